"""Dumping from rows gives what the schema gives from the model's objects."""

import uuid
from datetime import date

from marshmallow import fields

from crm.api.memberships import MEMBERSHIP_ROWS, MembershipSchema
from crm.api.partners import PARTNER_ROWS, PartnerSchema
from crm.http.listing.pages import Items
from crm.http.listing.rows import Dumped
from crm.models import Municipality, Partner, TargetGroup
from crm.models.enums import MembershipRole, PartnerStatus, Sector
from tests.factories import make_contact, make_group, make_membership, make_partner, topic


def every_field(session) -> Partner:
    norden = Municipality(code="norden", label_de="Norden", label_en="Norden")
    aurich = Municipality(code="aurich", label_de="Aurich", label_en="Aurich")
    families = session.query(TargetGroup).filter_by(code="families").one()
    return make_partner(
        session,
        name="Volkshochschule Aurich-Norden",
        short_name="VHS",
        sector=Sector.internal,
        status=PartnerStatus.archived,
        street="Hafenstraße 1",
        postal_code="26603",
        town="Aurich",
        website="https://vhs.example.org",
        email="info@vhs.example.org",
        phone="+49 4941 12345",
        languages=["de", "ar"],
        external_ids=[{"scheme": "vereinsregister", "value": "VR 1"}],
        notes="Sprachkurse",
        topics=[topic(session, "language"), topic(session, "counselling")],
        target_groups=[families],
        municipalities=[norden, aurich],
    )


def test_row_dump_equals_the_schema_dump(app, session):
    partner = every_field(session)
    session.expire_all()  # links as the database orders them
    with app.test_request_context():
        assert PARTNER_ROWS.get_or_404(partner.id) == PartnerSchema().dump(partner)


def test_membership_row_dump_equals_the_schema_dump(app, session):
    contact, deputy = make_contact(session), make_contact(session)
    membership = make_membership(
        session,
        make_group(session),
        make_partner(session),
        contact_id=contact.id,
        deputy_contact_id=deputy.id,
        role=MembershipRole.chair,
        voting_right=False,
        end_date=date(2018, 12, 31),
        notes="Vorsitz bis Ende 2018",
    )
    session.expire_all()
    with app.test_request_context():
        assert MEMBERSHIP_ROWS.get_or_404(membership.id) == MembershipSchema().dump(membership)


def test_dumped_record_passes_the_schema_unchanged(app):
    record = Dumped(id=str(uuid.uuid4()))
    assert PartnerSchema().dump(record) is record


def test_a_page_of_dumped_records_passes_the_envelope_unchanged():
    records = [Dumped(id=str(uuid.uuid4())), Dumped(id=str(uuid.uuid4()))]
    items = Items(fields.Nested(PartnerSchema))
    assert all(
        a is b for a, b in zip(items.serialize("data", {"data": records}), records, strict=True)
    )
