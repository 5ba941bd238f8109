import { registry } from "@web/core/registry";

/**
 * An RM, working in Chinese, opens a customer's balance history from the customer form: the line graph
 * (AUM and loans), then the pivot and the list (tests/test_balance_history.py). Text-independent
 * selectors: the Chinese terms arrive with the translation file.
 */
registry.category("web_tour.tours").add("bank_balance_history_tour", {
    steps: () => [
        {
            content: "Open the customer's holdings",
            trigger: ".o_form_view .o_notebook .nav-link[name='bank_holdings']",
            run: "click",
        },
        {
            content: "Open the balance history",
            trigger: ".o_form_view button[name='action_view_bank_balances']",
            run: "click",
        },
        {
            content: "The line graph is drawn",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "Grouped by month and by series (AUM, loans)",
            trigger: ".o_searchview_facet .o_facet_values .o_facet_value:eq(1)",
        },
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Open the intervals of the date grouping",
            trigger: ".o_group_by_menu .o_accordion_toggle",
            run: "click",
        },
        {
            content: "Group by day (the last interval)",
            trigger: ".o_group_by_menu .o_accordion_values .o_item_option:last",
            run: "click",
        },
        {
            content: "The graph is drawn again, by day",
            trigger: ".o_searchview_facet .o_facet_values .o_facet_value:eq(2)",
        },
        {
            content: "The graph is still drawn",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the two series as columns",
            trigger: ".o_pivot_view .o_pivot thead th.o_pivot_header_cell_closed:eq(1)",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the days, grouped as the graph",
            trigger: ".o_list_view .o_group_header",
        },
    ],
});
