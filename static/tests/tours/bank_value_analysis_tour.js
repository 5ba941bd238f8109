import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * The written value analysis, in Chinese (models/bank_value_analysis.py): an RM opens the analyses
 * to write, writes the quarter's assessment on the snapshot's figures and submits it; the head of
 * the customer's unit then opens the analyses to acknowledge, acknowledges it and prints the
 * customer's profile from the customer form's Print menu. Selectors use menu xml ids, field names,
 * button names and classes, not labels.
 */
function openValueMenu(menuXmlId) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Customer value menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_value_section']",
            run: "click",
        },
        {
            content: "Open the list",
            trigger: `.dropdown-item[data-menu-xmlid='bank_relationship_manager.${menuXmlId}']`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("bank_value_analysis_rm_tour", {
    url: "/odoo",
    steps: () => [
        ...openValueMenu("bank_value_analysis_to_write_menu"),
        {
            content: "The quarter's analysis of the RM's customer is listed",
            trigger: ".o_bank_value_analysis_list .o_data_row td[name=period_label]:contains('2026-Q3')",
        },
        {
            content: "A customer of another RM is not listed",
            trigger: ".o_bank_value_analysis_list:not(:has(td[name=partner_id]:contains('分析其他客户')))",
        },
        {
            content: "Open the analysis",
            trigger: ".o_data_row td[name=partner_id]:contains('分析巡回客户')",
            run: "click",
        },
        {
            content: "The snapshot's contribution is shown, read-only",
            trigger: ".o_bank_value_analysis_form .o_field_widget[name=contribution]:not(:has(input))",
        },
        {
            content: "Write the current value",
            trigger: ".o_bank_value_analysis_form .o_field_widget[name=current_value] textarea",
            run: "edit 存款稳定，贡献为正",
        },
        {
            content: "Write the potential",
            trigger: ".o_bank_value_analysis_form .o_field_widget[name=potential] textarea",
            run: "edit 收入增长，可配置理财",
        },
        {
            content: "Write the reasons for the difference",
            trigger: ".o_bank_value_analysis_form .o_field_widget[name=difference_reason] textarea",
            run: "edit 本季度上门两次",
        },
        {
            content: "Choose to deepen the relationship",
            trigger: ".o_bank_value_analysis_form .o_field_widget[name=plan] input[data-value=deepen]",
            run: "click",
        },
        {
            content: "Submit",
            trigger: ".o_bank_value_analysis_form button[name=action_submit]",
            run: "click",
        },
        {
            content: "Submitted: the assessment is read-only and the button gone",
            trigger: ".o_bank_value_analysis_form:not(:has(button[name=action_submit])) .o_statusbar_status button.o_arrow_button_current[data-value=submitted]",
        },
    ],
});

registry.category("web_tour.tours").add("bank_value_analysis_head_tour", {
    url: "/odoo",
    steps: () => [
        ...openValueMenu("bank_value_analysis_to_acknowledge_menu"),
        {
            content: "Open the submitted analysis",
            trigger: ".o_bank_value_analysis_list .o_data_row td[name=partner_id]:contains('分析巡回客户')",
            run: "click",
        },
        {
            content: "The RM's assessment is shown",
            trigger: ".o_bank_value_analysis_form .o_field_widget[name=current_value]:contains('存款稳定')",
        },
        {
            content: "Acknowledge",
            trigger: ".o_bank_value_analysis_form button[name=action_acknowledge]",
            run: "click",
        },
        {
            content: "Acknowledged: no button left",
            trigger: ".o_bank_value_analysis_form:not(:has(button[name=action_send_back])) .o_statusbar_status button.o_arrow_button_current[data-value=acknowledged]",
        },
        {
            content: "Open the customer",
            trigger: ".o_bank_value_analysis_form .o_field_widget[name=partner_id] a.o_form_uri",
            run: "click",
        },
        {
            content: "Open the customer form's actions menu",
            trigger: ".o_form_view:has(.o_field_widget[name=is_bank_customer]) .o_cp_action_menus button:has(i.fa-cog)",
            run: "click",
        },
        {
            content: "Print the customer profile (report/bank_customer_profile_report.xml)",
            trigger: ".o-dropdown--menu .o_menu_item:has(i.fa-print)",
            run: "click",
        },
        {
            content: "The report is sent",
            trigger: "body:not(:has(.o-dropdown--menu)):not(:has(.o_blockUI))",
            // wkhtmltopdf renders the PDF before the download ends
            timeout: 30000,
        },
    ],
});
