"""The persistent model. Importing this package registers every table on `Base.metadata`."""

from crm.models.agreement import Agreement, AgreementParty
from crm.models.api_key import ApiKey
from crm.models.contact import Contact, Employment
from crm.models.partner import Partner
from crm.models.steering_group import Membership, SteeringGroup
from crm.models.vocabulary import Municipality, PartnerKind, TargetGroup, Topic

__all__ = [
    "Agreement",
    "AgreementParty",
    "ApiKey",
    "Contact",
    "Employment",
    "Membership",
    "Municipality",
    "Partner",
    "PartnerKind",
    "SteeringGroup",
    "TargetGroup",
    "Topic",
]
