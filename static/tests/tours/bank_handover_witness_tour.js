import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * The sub-branch RM supervisor, a witness of the handover meeting, working in Chinese: sees
 * what is still missing, ticks the last item of the list, confirms their own presence and
 * closes the handover; the customers move and the handover list is attached.
 */
registry.category("web_tour.tours").add("bank_handover_witness_tour", {
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
            content: "Open the handover in progress",
            trigger: ".o_data_row:contains('Tour RM C') td.o_data_cell:contains('进行中')",
            run: "click",
        },
        {
            content: "What is missing is listed, in Chinese",
            trigger: ".alert-warning:contains('尚未确认到场')",
        },
        {
            content: "Hand over the last item",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('巡回客户丁') button[name=action_check]",
            run: "click",
        },
        {
            content: "Every item is handed over",
            trigger: ".o_field_widget[name=line_ids]:not(:has(button[name=action_check]))",
        },
        {
            content: "Confirm my presence",
            trigger: ".o_statusbar_buttons button[name=action_confirm_presence]",
            run: "click",
        },
        {
            content: "Nothing is missing any more",
            trigger: ".o_form_view:not(:has(.alert-warning))",
        },
        {
            content: "Close the handover",
            trigger: ".o_statusbar_buttons button[name=action_done]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('已完成')",
        },
        {
            content: "The handover list is attached",
            trigger: ".o_statusbar_buttons button[name=action_view_list]",
        },
    ],
});
