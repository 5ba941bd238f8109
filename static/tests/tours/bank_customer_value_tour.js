import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * The head of an outlet, working in Chinese, opens the loss-making customers (only those of the
 * outlet), opens a snapshot and its figures, then the customer's value history. Selectors use menu
 * xml ids, field names and classes, not labels.
 */
registry.category("web_tour.tours").add("bank_customer_value_tour", {
    url: "/odoo",
    steps: () => [
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
            content: "Open the loss-making customers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_customer_value_loss_menu']",
            run: "click",
        },
        {
            content: "The outlet's loss-making customer is listed, in red",
            trigger: ".o_bank_customer_value_list .o_data_row.text-danger td[name=partner_id]:contains('价值亏损客户')",
        },
        {
            content: "A customer of another outlet is not listed, nor a profitable one",
            trigger: ".o_bank_customer_value_list:not(:has(td[name=partner_id]:contains('其他网点亏损客户'))):not(:has(td[name=partner_id]:contains('价值盈利客户')))",
        },
        {
            content: "Open the snapshot",
            trigger: ".o_data_row td[name=partner_id]:contains('价值亏损客户')",
            run: "click",
        },
        {
            content: "The snapshot is read-only: no Correct button for a unit head",
            trigger: ".o_bank_customer_value_form:not(:has(button[name=action_correct]))",
        },
        {
            content: "Its service cost (two visits)",
            trigger: ".o_bank_customer_value_form .o_field_widget[name=service_cost]:contains('400')",
        },
        {
            content: "Its value class",
            trigger: ".o_bank_customer_value_form .o_field_widget[name=value_class] .badge",
        },
        {
            content: "Open the customer",
            trigger: ".o_bank_customer_value_form .o_field_widget[name=partner_id] a",
            run: "click",
        },
        {
            content: "The customer's value smart button",
            trigger: ".o_form_view .o_bank_value_button",
        },
        {
            content: "Open the Value page",
            trigger: ".o_notebook .nav-link[name=bank_value]",
            run: "click",
        },
        {
            content: "The snapshot history is listed",
            trigger: ".o_field_widget[name=bank_value_ids] .o_data_row td[name=contribution]",
        },
    ],
});
