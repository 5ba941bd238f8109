import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An RM, working in Chinese, finds the locked dossier of a customer they serve, sees that
 * its contents stay in the cabinet, and requests a check-out with a purpose.
 */
registry.category("web_tour.tours").add("bank_dossier_rm_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Dossiers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_dossiers_section']",
            run: "click",
        },
        {
            content: "Open the dossiers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_dossier_menu']",
            run: "click",
        },
        {
            content: "The customer's dossier is in the in-custody column, in Chinese",
            trigger: ".o_kanban_group:has(.o_column_title:contains('在库保管')) .o_kanban_record:contains('档案巡回客户')",
        },
        {
            content: "Another RM's customer's dossier is not shown",
            trigger: ".o_kanban_renderer:not(:has(.o_kanban_record:contains('他人档案客户')))",
        },
        {
            content: "Open the dossier",
            trigger: ".o_kanban_record:contains('档案巡回客户')",
            run: "click",
        },
        {
            content: "The contents stay in the custodian's cabinet",
            trigger: ".o_form_view .alert-info:contains('档案已锁入')",
        },
        {
            content: "No document is listed to the RM",
            trigger: ".o_field_widget[name=item_ids]:not(:has(.o_data_row))",
        },
        {
            content: "Request a check-out",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_request_checkout]",
            run: "click",
        },
        {
            content: "Say why the dossier is needed",
            trigger: ".modal .o_field_widget[name=purpose] textarea",
            run: "edit 周五上门拜访前核对客户资料",
        },
        {
            content: "Submit the request",
            trigger: ".modal .modal-footer button:contains('提交申请')",
            run: "click",
        },
        {
            content: "The dialog closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the check-out register",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_dossiers_section']",
            run: "click",
        },
        {
            content: "Open the register",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_dossier_checkout_menu']",
            run: "click",
        },
        {
            content: "The request waits for the unit head, without buttons for the RM",
            trigger: ".o_list_view .o_data_row:contains('档案巡回客户'):contains('已申请'):not(:has(button[name=action_approve]))",
        },
    ],
});

/**
 * The unit head (custodian), in Chinese, sees the dossiers of the outlet by state, approves
 * the RM's request in the register and hands the bag out; the kanban then shows it out.
 */
registry.category("web_tour.tours").add("bank_dossier_head_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
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
            content: "Approve the RM's request",
            trigger: ".o_data_row:contains('档案巡回客户'):contains('已申请') button[name=action_approve]",
            run: "click",
        },
        {
            content: "Hand the dossier out",
            trigger: ".o_data_row:contains('档案巡回客户'):contains('已批准') button[name=action_hand_out]",
            run: "click",
        },
        {
            content: "The register shows it out, ready to be received back",
            trigger: ".o_data_row:contains('档案巡回客户'):contains('已借出') button[name=action_return]",
        },
        {
            content: "Open the Dossiers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_dossiers_section']",
            run: "click",
        },
        {
            content: "Open the dossiers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_dossier_menu']",
            run: "click",
        },
        {
            content: "The dossier moved to the checked-out column",
            trigger: ".o_kanban_group:has(.o_column_title:contains('已调出')) .o_kanban_record:contains('档案巡回客户')",
        },
        {
            content: "The draft waits in its column for the head to lock it",
            trigger: ".o_kanban_group:has(.o_column_title:contains('草稿')) .o_kanban_record:contains('档案草稿客户')",
            run: "click",
        },
        {
            content: "The head sees the contents of a dossier of the outlet",
            trigger: ".o_field_widget[name=item_ids] .o_data_row:contains('开户申请书')",
        },
        {
            content: "Lock it in custody",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_lock]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Locked",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('在库保管')",
        },
    ],
});
