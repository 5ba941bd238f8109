# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import bank_balance_import
from . import bank_tier_whatif
from . import bank_tier_whatif_line
from . import bank_tier_whatif_result
from . import bank_handover_reject
from . import bank_dossier_register_report
from . import bank_activity_done
from . import bank_appraisal_run
from . import bank_appraisal_ranking_report
from . import bank_unit_monthly_report
