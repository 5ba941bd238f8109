import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/** Open one analysis of the Reporting menu and go through its pivot, graph and list. */
function openAnalysis(menuXmlid, rowText) {
    return [
        {
            content: "Open the Reporting menu",
            trigger: ".o_main_navbar [data-menu-xmlid='bank_relationship_manager.bank_menu_reporting']",
            run: "click",
        },
        {
            content: `Open the analysis ${menuXmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid='bank_relationship_manager.${menuXmlid}']`,
            run: "click",
        },
        rowText
            ? {
                  content: "The pivot shows the unit's figures",
                  trigger: `.o_pivot .o_pivot_header_cell_closed:contains('${rowText}')`,
              }
            : {
                  content: "The pivot is shown (or, empty, the help: no sample data in bank screens)",
                  trigger: ".o_pivot_view .o_pivot, .o_pivot_view .o_view_nocontent",
              },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn (or, empty, the help)",
            trigger: ".o_graph_renderer canvas, .o_graph_view .o_view_nocontent",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list is shown",
            trigger: rowText ? `.o_list_view .o_data_row:contains('${rowText}')` : ".o_list_view",
        },
    ];
}

/** Open one analysis on a register (views/bank_reporting_register_views.xml): its pivot and its graph. */
function openRegisterAnalysis(menuXmlid) {
    return openAnalysis(menuXmlid, null).slice(0, 5);
}

/**
 * A unit head, working in Chinese, opens each analysis of the Reporting menu.
 */
registry.category("web_tour.tours").add("bank_reporting_unit_head_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        ...openAnalysis("bank_maintenance_activity_report_menu", "报表网点客户经理"),
        ...openAnalysis("bank_contact_sla_report_menu", "报表网点客户经理"),
        // No handover done in this test's unit: the analysis opens empty (tests/test_reporting_handover_attrition.py
        // checks its figures).
        ...openAnalysis("bank_handover_attrition_report_menu", null),
        ...openRegisterAnalysis("res_partner_menu_bank_customer_analysis"),
        ...openRegisterAnalysis("bank_tier_history_menu_analysis"),
        ...openRegisterAnalysis("bank_complaint_menu_analysis"),
        ...openRegisterAnalysis("bank_maintenance_log_menu_analysis"),
        // Potential customers, the dossier register and handovers: pivot, graph and list (their figures are
        // checked by tests/test_reporting_potential_dossier_handover.py).
        ...openAnalysis("bank_potential_report_menu", null),
        ...openAnalysis("bank_dossier_checkout_menu_analysis", null),
        ...openAnalysis("bank_dossier_menu_analysis", null),
        ...openAnalysis("bank_handover_report_menu", null),
    ],
});
