"""Every table of every domain; importing this module registers them all on `SQLModel.metadata`.

Migrations, backups and the drift test need the whole schema at once; code that uses a table
imports it from its domain (`core.<domain>.models`).
"""

from sqlmodel import SQLModel

from core.accounts import models as accounts  # noqa: F401
from core.airing import models as airing  # noqa: F401
from core.alerts import models as alerts  # noqa: F401
from core.exchange import models as exchange  # noqa: F401
from core.intake import models as intake  # noqa: F401
from core.notify import models as notify  # noqa: F401
from core.org import models as org  # noqa: F401
from core.records import models as records  # noqa: F401
from core.review import models as review  # noqa: F401

metadata = SQLModel.metadata
