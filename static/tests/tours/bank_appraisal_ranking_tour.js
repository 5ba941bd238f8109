import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const UNIT = "排名巡回网点";

/**
 * The RM office, working in Chinese, opens the appraisal ranking (考核排名表) from the Appraisal
 * menu, chooses a unit and prints the monthly ranking. Elements are found by names and xml ids,
 * not by their (translated) labels.
 */
registry.category("web_tour.tours").add("bank_appraisal_ranking_office_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Appraisal menu",
            trigger: ".o_main_navbar [data-menu-xmlid='bank_relationship_manager.bank_menu_appraisal']",
            run: "click",
        },
        {
            content: "Open the appraisal ranking",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_appraisal_ranking_report_menu']",
            run: "click",
        },
        {
            content: "The monthly ranking is proposed",
            trigger: ".modal .o_field_widget[name=period] input[data-value=monthly]:checked",
        },
        {
            content: "Choose the unit",
            trigger: ".modal .o_field_widget[name=unit_id] input",
            run: `edit ${UNIT}`,
        },
        {
            content: "Pick it in the list",
            trigger: `.o-autocomplete--dropdown-item a:contains('${UNIT}')`,
            run: "click",
        },
        {
            content: "The unit is chosen",
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
