import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * The outlet head, custodian of the dossiers, working in Chinese: the handover of a leaving RM
 * cannot be done while a dossier is still out with that RM. The head sees it in the handover's
 * checklist (and the dossier on the handover list), receives the bag back in the check-out
 * register, and closes the handover.
 */
registry.category("web_tour.tours").add("bank_handover_dossier_tour", {
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
            trigger: ".o_data_row:contains('Tour Dossier RM C') td.o_data_cell:contains('进行中')",
            run: "click",
        },
        {
            content: "The dossier is on the handover list, with its status, in Chinese",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('实物档案'):contains('档案交接客户'):contains('已调出')",
        },
        {
            content: "The checklist says the dossier must come back first",
            trigger: ".alert-warning:contains('档案'):contains('须先收回')",
        },
        {
            content: "Open the Dossiers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_dossiers_section']",
            run: "click",
        },
        {
            content: "Open the check-out register",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_dossier_checkout_menu']",
            run: "click",
        },
        {
            content: "Receive the bag back from the leaving RM",
            trigger: ".o_data_row:contains('档案交接客户'):contains('已借出') button[name=action_return]",
            run: "click",
        },
        {
            content: "The bag is back: the line leaves the open check-outs",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('档案交接客户')))",
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
            content: "Open the handover in progress again",
            trigger: ".o_data_row:contains('Tour Dossier RM C') td.o_data_cell:contains('进行中')",
            run: "click",
        },
        {
            content: "Nothing is missing any more",
            trigger: ".o_form_view .o_field_widget[name=line_ids]:not(:has(button[name=action_check]))",
        },
        {
            content: "No warning left",
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
            content: "The handover list now shows the dossier back in custody",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('实物档案'):contains('档案交接客户'):contains('在库保管')",
        },
    ],
});
