# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import bank_vip_time_share
from . import bank_maintenance_activity_report
from . import bank_contact_sla_report
from . import bank_handover_attrition_report
from . import bank_customer_profile
from . import bank_unit_monthly_report
from . import bank_potential_report
from . import bank_handover_report
from . import bank_balance_history_report
