import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const UNIT = "月报巡回网点";

/**
 * A unit head, working in Chinese, opens the unit monthly report (月度报告) from the Reporting
 * menu: their unit is proposed; they print it. Elements are found by names and xml ids, not by
 * their (translated) labels.
 */
registry.category("web_tour.tours").add("bank_unit_monthly_report_head_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Reporting menu",
            trigger: ".o_main_navbar [data-menu-xmlid='bank_relationship_manager.bank_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the unit monthly report",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_unit_monthly_report_menu']",
            run: "click",
        },
        {
            content: "Their unit is proposed",
            trigger: `.modal .o_field_widget[name=unit_id] input:value('${UNIT}')`,
        },
        {
            content: "Print",
            trigger: ".modal button[name=action_print]",
            run: "click",
        },
        {
            content: "The wizard closes once the report is sent",
            trigger: "body:not(:has(.modal button[name=action_print]))",
            // wkhtmltopdf renders the PDF before the download ends
            timeout: 30000,
        },
    ],
});
