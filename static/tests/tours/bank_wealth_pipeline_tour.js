import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An RM, working in Chinese, opens the wealth pipeline (the five steps of the sales process
 * as columns), opens an opportunity, records the amount, moves it to "execute sale" and
 * marks it won: the rainbow man celebrates and the opportunity lands on "celebrate".
 */
registry.category("web_tour.tours").add("bank_wealth_pipeline_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open Sales",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_sales_section']",
            run: "click",
        },
        {
            content: "Open the wealth pipeline",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.crm_lead_menu_wealth_pipeline']",
            run: "click",
        },
        {
            content: "The first step is the first column, in Chinese",
            trigger: ".o_kanban_group:first-child .o_column_title:contains('更新联系计划')",
        },
        {
            content: "The last step is the celebration",
            trigger: ".o_kanban_group:last-child .o_column_title:contains('庆祝成功')",
        },
        {
            content: "Another RM's opportunity is not shown",
            trigger: ".o_kanban_renderer:not(:has(.o_kanban_record:contains('巡回商机乙')))",
        },
        {
            content: "Open the own opportunity",
            trigger: ".o_kanban_record:contains('巡回商机甲')",
            run: "click",
        },
        {
            content: "Record the amount",
            trigger: ".o_field_widget[name=expected_revenue] input",
            run: "edit 250000",
        },
        {
            content: "Move it to the sale (the statusbar shows the five steps)",
            trigger: ".o_statusbar_status button:contains('执行销售')",
            run: "click",
        },
        {
            content: "Moved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('执行销售')",
        },
        {
            content: "Mark it won",
            trigger: ".o_form_view button[name=action_set_won_rainbowman]",
            run: "click",
        },
        {
            content: "The rainbow man celebrates",
            trigger: ".o_reward",
        },
        {
            content: "The opportunity is on the last step",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('庆祝成功')",
        },
    ],
});
