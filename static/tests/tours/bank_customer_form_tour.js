import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const CUSTOMER = "表单巡回客户";

/**
 * An RM, working in Chinese, opens their customers (the "My customers" filter set),
 * opens the best customer, reads the header (tier badge in the tier's colour, AUM) and follows
 * the maintenance-log smart button to the customer's contacts. Selectors, not texts: the terms
 * of this screen are translated in the shared catalogue.
 */
registry.category("web_tour.tours").add("bank_customer_form_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Customers menu (the app opens on the workbench)",
            trigger: ".o_main_navbar [data-menu-xmlid='bank_relationship_manager.bank_menu_customers_section']",
            run: "click",
        },
        {
            content: "Open the customers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_menu_customers']",
            run: "click",
        },
        {
            content: "The customer list opens with one default filter (my customers)",
            trigger: ".o_bank_customer_list .o_data_row",
        },
        {
            content: "The default filter is set",
            trigger: ".o_searchview .o_searchview_facet",
        },
        {
            content: "The search panel (units and tiers) is there",
            trigger: ".o_search_panel .o_search_panel_section",
        },
        {
            content: "The tier shows as a coloured badge in the list",
            trigger: `.o_data_row:contains('${CUSTOMER}') td[name=bank_tier_id] .badge.o_badge_color_3`,
        },
        {
            content: "Open the customer",
            trigger: `.o_data_row td[name=name]:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The header shows the tier as a coloured badge",
            trigger: "div[name=bank_header] .o_field_widget[name=bank_tier_id] .badge.o_badge_color_3",
        },
        {
            content: "The header shows the AUM",
            trigger: "div[name=bank_header] .o_field_widget[name=bank_aum]:contains('650,000.00')",
        },
        {
            content: "The bank page is the open one",
            trigger: ".o_notebook .nav-link.active[name=bank]",
        },
        {
            content: "The smart button counts the two contacts logged",
            trigger: ".o_bank_logs_button .o_stat_value:contains('2')",
        },
        {
            content: "Open the maintenance log",
            trigger: ".o_bank_logs_button",
            run: "click",
        },
        {
            content: "The customer's two contacts are listed",
            trigger: ".o_list_view .o_data_row:nth-child(2)",
        },
        {
            content: "And nothing else",
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(3)))",
        },
    ],
});
