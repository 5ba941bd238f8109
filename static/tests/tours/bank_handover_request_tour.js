import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An RM, working in Chinese, requests their departure (离岗申请): opens Handovers, creates a
 * request (the outgoing RM is themselves), proposes a successor and a reason, and submits it;
 * the request now waits for the unit head.
 */
registry.category("web_tour.tours").add("bank_handover_request_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open Organisation",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_organisation']",
            run: "click",
        },
        {
            content: "Open Handovers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_handover_menu']",
            run: "click",
        },
        {
            content: "The list is titled in Chinese",
            trigger: ".o_breadcrumb:contains('交接')",
        },
        {
            content: "New request",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The outgoing RM is the user themselves",
            trigger: ".o_field_widget[name=outgoing_rm_id] input:value('Tour RM A')",
        },
        {
            content: "Propose a successor",
            trigger: ".o_field_widget[name=incoming_rm_id] input",
            run: "edit Tour RM B",
        },
        {
            content: "Pick them",
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour RM B')",
            run: "click",
        },
        {
            content: "Open the reasons",
            trigger: ".o_field_widget[name=reason] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Promotion (晋升)",
            trigger: ".o_select_menu_item:contains('晋升')",
            run: "click",
        },
        {
            content: "Explain",
            trigger: ".o_field_widget[name=reason_note] textarea",
            run: "edit 升任支行中级客户经理",
        },
        {
            content: "Submit the departure request",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_submit]",
            run: "click",
        },
        {
            content: "Submitted: waiting for the unit head",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('已提交')",
        },
        {
            content: "The next approver is shown",
            trigger: ".o_field_widget[name=approval_step]:contains('网点负责人')",
        },
    ],
});
