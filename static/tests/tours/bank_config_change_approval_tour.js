import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * Four eyes on the thresholds, in Chinese: a second administrator opens the change requests
 * waiting for approval, reads the proposed threshold and its effect on the customers (the what-if
 * of the nightly engine), and approves it.
 */
registry.category("web_tour.tours").add("bank_config_change_approval_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open Configuration (配置)",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_configuration']",
            run: "click",
        },
        {
            content: "Open the change requests (变更申请)",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_config_change_menu']:contains('变更申请')",
            run: "click",
        },
        {
            content: "The request waits for approval (已提交)",
            trigger: ".o_list_view .o_data_row:contains('巡回门槛调整'):contains('已提交')",
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('巡回门槛调整')",
            run: "click",
        },
        {
            content: "The proposed threshold: the value now and the proposed one",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('500,000.00 → 600,000.00')",
        },
        {
            content: "Read its effect on the customers (对客户的影响)",
            trigger: ".o_notebook .nav-link:contains('对客户的影响')",
            run: "click",
        },
        {
            content: "The customer who would leave the tier is named (将降出)",
            trigger: ".o_field_widget[name=preview_ids] .o_data_row:contains('将降出'):contains('巡回客户丁')",
        },
        {
            content: "Approve and apply (批准并生效)",
            trigger: ".o_form_view button[name=action_approve]:contains('批准并生效')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The change is approved and applied (已批准并生效), the approver recorded",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('已批准并生效')",
        },
        {
            content: "No decision button is left",
            trigger: ".o_form_view:not(:has(button[name=action_approve])):not(:has(button[name=action_reject]))",
        },
    ],
});
