"""The persistent model. Importing this package registers every table on `Base.metadata`."""

from crm.models.agreement import Agreement, AgreementParty
from crm.models.api_key import ApiKey
from crm.models.audit import AuditEvent
from crm.models.change import ChangeEvent
from crm.models.contact import Contact, Employment
from crm.models.export import ExportRun, ExportRunContact, ExportRunFile, ExportSchedule
from crm.models.idempotency import IdempotentRequest
from crm.models.import_record import ImportRecord
from crm.models.meeting import ActionItem, Attendance, Decision, Meeting
from crm.models.merged_record import MergedRecord
from crm.models.network_snapshot import NetworkSnapshot
from crm.models.partner import Partner
from crm.models.privacy import ConsentRecord
from crm.models.steering_group import Membership, SteeringGroup
from crm.models.vocabulary import Municipality, PartnerKind, TargetGroup, Topic
from crm.models.webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "ActionItem",
    "Agreement",
    "AgreementParty",
    "ApiKey",
    "Attendance",
    "AuditEvent",
    "ChangeEvent",
    "ConsentRecord",
    "Contact",
    "Decision",
    "Employment",
    "ExportRun",
    "ExportRunContact",
    "ExportRunFile",
    "ExportSchedule",
    "IdempotentRequest",
    "ImportRecord",
    "Meeting",
    "Membership",
    "MergedRecord",
    "Municipality",
    "NetworkSnapshot",
    "Partner",
    "PartnerKind",
    "SteeringGroup",
    "TargetGroup",
    "Topic",
    "WebhookDelivery",
    "WebhookSubscription",
]
