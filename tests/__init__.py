# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import test_id_number
from . import test_org_validation
from . import test_customer_validation
from . import test_record_rules
from . import test_id_masking
from . import test_balance_loading
from . import test_tier_engine
from . import test_tier_whatif
from . import test_translations
from . import test_ui_tours
from . import test_dossier_custody
from . import test_dossier_ledger
from . import test_dossier_concurrency
from . import test_dossier_tours
