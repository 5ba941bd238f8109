import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const RM = "巡回考核客户经理";

function openAppraisalMenu(menu) {
    return [
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
            content: `Open ${menu}`,
            trigger: `.dropdown-item[data-menu-xmlid='bank_relationship_manager.${menu}']`,
            run: "click",
        },
    ];
}

const openOurAppraisal = {
    content: "Open the RM's appraisal",
    trigger: `.o_list_view .o_data_row td[name=rm_id]:contains('${RM}')`,
    run: "click",
};

/**
 * An RM, working in Chinese, opens their published appraisal and the records behind a KPI.
 */
registry.category("web_tour.tours").add("bank_appraisal_rm_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppraisalMenu("bank_appraisal_menu_mine"),
        openOurAppraisal,
        {
            content: "The appraisal is published, with its pay coefficient",
            trigger: ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current[data-value=published]) .o_field_widget[name=pay_coefficient]:contains('1.15')",
        },
        {
            content: "Nothing to press for the RM",
            trigger: ".o_form_view .o_form_statusbar:not(:has(.o_statusbar_buttons button))",
        },
        {
            content: "Open the records behind the computed KPI",
            trigger: ".o_field_widget[name=line_ids] .o_data_row button[name=action_open_records]",
            run: "click",
        },
        {
            content: "The two contacts logged last month are listed",
            trigger: ".o_list_view:has(.o_data_row td[name=summary]:contains('巡回电话回访')):has(.o_data_row td[name=summary]:contains('巡回上门拜访'))",
        },
        {
            content: "Back to the appraisal through the breadcrumb",
            trigger: ".o_breadcrumb .breadcrumb-item:last-of-type a",
            run: "click",
        },
        {
            content: "The appraisal again",
            trigger: ".o_form_view .o_field_widget[name=line_ids] button[name=action_open_records]",
        },
    ],
});

/**
 * A supervisor, working in Chinese, enters the manual KPI and a score, then reviews.
 */
registry.category("web_tour.tours").add("bank_appraisal_supervisor_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppraisalMenu("bank_appraisal_menu_review"),
        openOurAppraisal,
        {
            content: "Enter the supervisor's KPI (the line without drill-down)",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:not(:has(button[name=action_open_records])) td[name=manual_value]",
            run: "click",
        },
        {
            content: "Teamwork: 96",
            trigger: ".o_field_widget[name=line_ids] .o_selected_row td[name=manual_value] input",
            run: "edit 96",
        },
        {
            content: "Open the supervisor's page",
            trigger: ".o_notebook .nav-link[name=supervisor]",
            run: "click",
        },
        {
            content: "Supervisor score: 88",
            trigger: ".o_field_widget[name=supervisor_score] input",
            run: "edit 88",
        },
        {
            content: "Comment",
            trigger: ".o_field_widget[name=supervisor_comment] textarea",
            run: "edit 团队协作积极",
        },
        {
            content: "Review",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_review]",
            run: "click",
        },
        {
            content: "The appraisal is reviewed: send back is still possible, review no more",
            trigger: ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current[data-value=reviewed]) .o_statusbar_buttons:has(button[name=action_send_back]):not(:has(button[name=action_review]))",
        },
    ],
});

/**
 * The RM office, working in Chinese, selects a reviewed appraisal in "To publish" and publishes
 * its whole month.
 */
registry.category("web_tour.tours").add("bank_appraisal_office_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppraisalMenu("bank_appraisal_menu_publish"),
        {
            content: "Select the RM's reviewed appraisal",
            trigger: `.o_list_view .o_data_row:has(td[name=rm_id]:contains('${RM}')) .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Publish its month",
            trigger: ".o_control_panel button[name=action_publish_month]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Nothing of that month is left to publish",
            trigger: `.o_action_manager:not(:has(.modal)):not(:has(.o_data_row td[name=rm_id]:contains('${RM}')))`,
        },
    ],
});
