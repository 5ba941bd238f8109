import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * The head of an outlet, working in Chinese, opens the loan exceptions of the outlet (alarms
 * first), opens the loan in alarm, then its customer: the alarm ribbon and the state's reason.
 * Selectors use menu xml ids and field names, not labels.
 */
registry.category("web_tour.tours").add("bank_loan_exception_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Customers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_customers_section']",
            run: "click",
        },
        {
            content: "Open the loan exceptions",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_loan_exception_menu']",
            run: "click",
        },
        {
            content: "The alarm comes first, in red",
            trigger: ".o_list_view .o_data_row:first-child.text-danger td[name=account_no]:contains('TOUR-LOAN-1')",
        },
        {
            content: "The exception follows",
            trigger: ".o_list_view .o_data_row:nth-child(2) td[name=account_no]:contains('TOUR-LOAN-2')",
        },
        {
            content: "A loan of another outlet is not listed",
            trigger: ".o_list_view:not(:has(td[name=account_no]:contains('TOUR-LOAN-X')))",
        },
        {
            content: "Open the loan in alarm",
            trigger: ".o_data_row:first-child td[name=account_no]",
            run: "click",
        },
        {
            content: "Its days overdue",
            trigger: ".o_form_view .o_field_widget[name=days_overdue]:contains('15')",
        },
        {
            content: "Open its customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] a",
            run: "click",
        },
        {
            content: "The customer carries the alarm ribbon",
            trigger: ".o_form_view .o_widget_web_ribbon .ribbon",
        },
        {
            content: "Open the Banking page",
            trigger: ".o_notebook .nav-link[name=bank]",
            run: "click",
        },
        {
            content: "The reason names the loan",
            trigger: ".o_field_widget[name=bank_state_reason]:contains('TOUR-LOAN-1')",
        },
    ],
});
