"""Every table of the domain; importing this module registers them all on `SQLModel.metadata`."""

from core.models.admin import ApiToken, ContentSearch, EditLock, MfaState, RecoveryCode, TranslationRequest  # noqa: F401
from core.models.airing import (
    Board,
    BroadcastWindow,
    Cluster,
    Emergency,
    EmergencyAck,
    EmergencyTarget,
    Heartbeat,
    Incident,
    Plan,
    Play,
)
from core.models.airing_extra import AiringSignal, PairingRequest  # noqa: F401
from core.models.audit import AuditEvent
from core.models.content import (
    ContentItem,
    ContentTarget,
    MediaAsset,
    Review,
    SubtitleTrack,
    Submission,
    Transcript,
)
from core.models.inbox import InboundUpdate  # noqa: F401
from core.models.intake import Conversation, IntakeLog, ProcessedUpdate, UploadSession  # noqa: F401
from core.models.deadlines import DeadlineRule, DeadlineRuleUnit, Obligation, Reminder, TaskRun
from core.models.notify import Notification
from core.models.notify_extra import DeadlineRuleVersion, DeliveryPace  # noqa: F401
from core.models.org import ChannelAccount, Invite, Officer, Unit, UnitDuty

__all__ = [
    "AuditEvent",
    "Board",
    "BroadcastWindow",
    "ChannelAccount",
    "Cluster",
    "ContentItem",
    "ContentTarget",
    "DeadlineRule",
    "DeadlineRuleUnit",
    "Emergency",
    "EmergencyAck",
    "EmergencyTarget",
    "Heartbeat",
    "Incident",
    "Invite",
    "MediaAsset",
    "Notification",
    "Obligation",
    "Officer",
    "Plan",
    "Play",
    "Reminder",
    "Review",
    "SubtitleTrack",
    "Submission",
    "TaskRun",
    "Transcript",
    "Unit",
    "UnitDuty",
]
