"""The record of processing activities (Verzeichnis von Verarbeitungstätigkeiten,
Art. 30 DSGVO), generated from the tags on the columns, so that it cannot drift from the
code."""

from collections import defaultdict
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from crm.database import db
from crm.models import ExportSchedule
from crm.models.enums import LabelledEnum, LegalBasis
from crm.models.privacy import ConsentPurpose, DataCategory, DataSubjects
from crm.privacy.catalogue import personal_columns
from crm.privacy.retention import rules

PURPOSES = [
    "Koordinierung der Zusammenarbeit mit Kooperationspartnern "
    "(Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte)",
    "Führung der Steuerungsgruppen und Netzwerke: Mitgliedschaften, Sitzungen, Aufgaben",
    "Verwaltung von Kooperationsvereinbarungen",
    "Berichte an Steuerungsgruppen (auch als geplante Exporte)",
    "Nachvollziehbarkeit von Änderungen (Änderungsprotokoll)",
]
MEASURES = [
    "Zugriff nur mit API-Schlüssel oder Anmeldung (OpenID Connect), Rollen viewer/editor/admin",
    "Von API-Schlüsseln wird nur ein Hash gespeichert",
    "Personenbezogene Daten nie in URLs oder Protokollen (Logs)",
    "Löschung auf Antrag oder nach Fristablauf, auch im Änderungsprotokoll und in Exporten",
]


def processing_record() -> dict[str, Any]:
    return {
        "controller": current_app.config["CRM_MUNICIPALITY_NAME"],
        "purposes": PURPOSES,
        "legal_bases": [_labelled(basis) for basis in LegalBasis],
        "consent_purposes": [_labelled(purpose) for purpose in ConsentPurpose],
        "data_subjects": _data_subjects(),
        "recipients": _recipients(),
        "retention": {
            **rules(),
            "description": "Ansprechpersonen werden nach Ende ihrer letzten Mitgliedschaft, "
            "Unterzeichnung oder Koordination so viele Jahre aufbewahrt "
            "(years_after_last_role), ohne jede Rolle so viele Jahre nach Anlage "
            "(years_without_role); nach Widerruf der Einwilligung werden sie sofort gelöscht.",
        },
        "technical_measures": MEASURES,
    }


def _data_subjects() -> list[dict[str, Any]]:
    """Per kind of person, the categories of data and the columns that hold them."""
    columns = defaultdict(lambda: defaultdict(list))
    for column in personal_columns():
        info = column.info
        columns[info["subjects"]][info["category"]].append(f"{column.table.name}.{column.name}")
    return [
        {
            **_labelled(subjects),
            "categories": [
                {**_labelled(category), "fields": sorted(columns[subjects][category])}
                for category in DataCategory
                if category in columns[subjects]
            ],
        }
        for subjects in DataSubjects
        if subjects in columns
    ]


def _recipients() -> list[dict[str, Any]]:
    """Who receives data: the staff of the municipality, and the scheduled exports."""
    exports = db.session.execute(
        select(ExportSchedule.destination, func.count())
        .where(ExportSchedule.enabled.is_(True))
        .group_by(ExportSchedule.destination)
        .order_by(ExportSchedule.destination)
    ).all()
    return [
        {"recipient": "Mitarbeitende der Verwaltung mit Zugang (Rollen)", "schedules": None},
        *(
            {"recipient": f"Geplante Exporte: {destination.label_de}", "schedules": count}
            for destination, count in exports
        ),
    ]


def _labelled(member: LabelledEnum) -> dict[str, str]:
    return {"code": member.value, "label_de": member.label_de, "label_en": member.label_en}
