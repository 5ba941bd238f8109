import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An RM, working in Chinese, opens the app, finds only the customers they serve,
 * opens one and reads the full ID number on the Banking page, updates the profile and
 * looks at the customer's holdings, then finds a potential customer and why.
 */
registry.category("web_tour.tours").add("bank_rm_customers_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "The menu speaks Chinese",
            trigger: ".o_main_navbar .o_menu_brand:contains('客户经理管理')",
        },
        {
            content: "Open the Customers menu (the app opens on the workbench)",
            trigger: ".o_main_navbar [data-menu-xmlid='bank_relationship_manager.bank_menu_customers_section']",
            run: "click",
        },
        {
            content: "Open the customers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_menu_customers']",
            run: "click",
        },
        {
            content: "Own customer is listed",
            trigger: ".o_list_view .o_data_row:contains('巡回客户甲')",
        },
        {
            content: "Backup customer is listed",
            trigger: ".o_list_view .o_data_row:contains('巡回客户乙')",
        },
        {
            content: "Another RM's customer is not",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('巡回客户丙')))",
        },
        {
            content: "Open the own customer",
            trigger: ".o_data_row td.o_data_cell:contains('巡回客户甲')",
            run: "click",
        },
        {
            content: "Open the Banking page",
            trigger: ".o_notebook .nav-link:contains('银行业务')",
            run: "click",
        },
        {
            content: "The RM sees the ID number in full",
            trigger: ".o_field_widget[name=bank_id_number] input:value('11010519491231002X')",
        },
        {
            content: "Record the occupation",
            trigger: ".o_field_widget[name=occupation] input",
            run: "edit 外科医生",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Open the assignment history (分管变更记录)",
            trigger: ".o_notebook .nav-link:contains('分管变更记录')",
            run: "click",
        },
        {
            content: "The backup RM given, with its reason",
            trigger: ".o_field_widget[name=bank_assignment_history_ids] .o_data_row:contains('客户要求指定后备客户经理'):contains('Tour RM B')",
        },
        {
            content: "Open the holdings",
            trigger: ".o_notebook .nav-link:contains('持有产品')",
            run: "click",
        },
        {
            content: "The customer's deposit shows with its latest balance",
            trigger: ".o_field_widget[name=bank_account_ids] .o_data_row:contains('TOUR-DEP-1'):contains('88,000.00')",
        },
        {
            content: "Open the Customers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_customers_section']",
            run: "click",
        },
        {
            content: "Open the potential customers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_potential_menu']",
            run: "click",
        },
        {
            content: "The high earner served as backup is a potential customer",
            trigger: ".o_list_view .o_data_row:contains('巡回客户乙')",
        },
        {
            content: "Open it",
            trigger: ".o_data_row td.o_data_cell:contains('巡回客户乙')",
            run: "click",
        },
        {
            content: "Open the Banking page",
            trigger: ".o_notebook .nav-link:contains('银行业务')",
            run: "click",
        },
        {
            content: "The reason names the potential rule, in Chinese",
            trigger: ".o_field_widget[name=bank_potential_reason]:contains('年收入50万元')",
        },
    ],
});
