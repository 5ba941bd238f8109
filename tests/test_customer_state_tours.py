# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP_RM, GROUP_UNIT_HEAD, TourClockMixin, load_chinese


@tagged("post_install", "-at_install")
class TestCustomerStateTours(TourClockMixin, HttpCase):
    """The unit head's loan exceptions, in Chinese, in headless Chromium."""

    # 17:30 UTC on 30 June is 1 July in Shanghai, the day of the balances (TourClockMixin).
    reference_now = datetime.datetime(2026, 6, 30, 17, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        env = cls.env
        cls.head = new_test_user(env, "tour_loan_head", groups=GROUP_UNIT_HEAD, name="贷后巡回负责人",
                                 lang="zh_CN", tz="Asia/Shanghai")
        Unit = env["bank.org.unit"]
        branch = Unit.create({"name": "贷后巡回分行", "code": "LTOUR", "level": "branch"})
        sub_branch = Unit.create({"name": "贷后巡回支行", "code": "LTOUR-S", "level": "sub_branch",
                                  "parent_id": branch.id})
        outlet = Unit.create({"name": "贷后巡回网点", "code": "LTOUR-1", "level": "outlet", "parent_id": sub_branch.id,
                              "has_wealth_room": True, "head_user_id": cls.head.id})
        other = Unit.create({"name": "贷后其他网点", "code": "LTOUR-2", "level": "outlet", "parent_id": sub_branch.id,
                             "has_wealth_room": True})
        rm_user = new_test_user(env, "tour_loan_rm", groups=GROUP_RM, name="贷后客户经理", lang="zh_CN")
        rm = env["bank.rm"].create({
            "user_id": rm_user.id, "grade_id": env.ref("bank_relationship_manager.rm_grade_rm").id,
            "unit_id": outlet.id,
        })
        Partner = env["res.partner"]
        alarm = Partner.create({"name": "逾期报警客户", "is_bank_customer": True, "bank_rm_id": rm.id,
                                "bank_unit_id": outlet.id})
        late = Partner.create({"name": "欠息客户", "is_bank_customer": True, "bank_rm_id": rm.id,
                               "bank_unit_id": outlet.id})
        elsewhere = Partner.create({"name": "其他网点客户", "is_bank_customer": True, "bank_unit_id": other.id})
        loan = env.ref("bank_relationship_manager.product_category_loan_credit")
        env["bank.account"].create([
            {"partner_id": alarm.id, "account_no": "TOUR-LOAN-1", "category_id": loan.id, "contract_amount": 200000},
            {"partner_id": late.id, "account_no": "TOUR-LOAN-2", "category_id": loan.id, "contract_amount": 50000},
            {"partner_id": elsewhere.id, "account_no": "TOUR-LOAN-X", "category_id": loan.id},
        ])
        today = cls.today
        env["bank.balance"].load_balances([
            {"account_no": "TOUR-LOAN-1", "date": str(today), "balance": -150000, "days_overdue": 15},
            {"account_no": "TOUR-LOAN-2", "date": str(today), "balance": -40000, "arrears_amount": 320},
            {"account_no": "TOUR-LOAN-X", "date": str(today), "balance": -1000, "days_overdue": 30},
        ])
        customers = alarm | late | elsewhere
        customers._bank_update_state(today, Partner._bank_state_settings(today))
        cls.alarm = alarm

    def test_head_opens_the_loan_exceptions(self):
        self.assertEqual(self.alarm.bank_state, "alarm")
        self.start_tour("/odoo", "bank_loan_exception_tour", login="tour_loan_head")
