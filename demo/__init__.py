# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# Demo-data builders, called from the demo XML files with <function> (as Odoo's
# addons/account/demo/account_demo.py is): not production models.
from . import bank_demo_data
from . import bank_dossier_demo_data
from . import bank_handover_demo_data
from . import bank_maintenance_demo_data
from . import bank_customer_state_demo_data
from . import bank_appraisal_demo_data
from . import bank_customer_value_demo_data
from . import bank_value_analysis_demo_data
