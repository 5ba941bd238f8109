import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// The Configuration section, or the "More" (+) button that holds it when the navbar overflows.
const CONFIGURATION =
    ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_configuration']:visible, " +
    ".o_main_navbar .o_menu_sections_more button:visible";

/**
 * The bank administrator browses the network as a hierarchy, opens a unit and its RMs,
 * then checks the grade rule, the VIP rules, previews a what-if and opens the balance import.
 */
registry.category("web_tour.tours").add("bank_admin_organisation_tour", {
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
            content: "Open Units",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_org_unit_menu']",
            run: "click",
        },
        {
            content: "The network shows as a hierarchy",
            trigger: ".o_hierarchy_view .o_hierarchy_node:contains('Tour Branch')",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the tour outlet",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Outlet')",
            run: "click",
        },
        {
            content: "Its RM is listed",
            trigger: ".o_field_widget[name=rm_ids] .o_data_row:contains('Tour RM A')",
        },
        {
            content: "Open Configuration",
            trigger: CONFIGURATION,
            run: "click",
        },
        {
            content: "Open Grades",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_rm_grade_menu']",
            run: "click",
        },
        {
            content: "Open the lobby manager grade",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('Lobby manager')",
            run: "click",
        },
        {
            content: "Lobby managers may staff an outlet without wealth room (the seed's rule)",
            trigger: ".o_field_widget[name=allowed_unit_levels] .o_tag:contains('Outlet without wealth room')",
        },
        {
            content: "Open Configuration for the tiers",
            trigger: CONFIGURATION,
            run: "click",
        },
        {
            content: "Open Tiers and rules",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_vip_tier_menu']",
            run: "click",
        },
        {
            content: "Open the VIP tier",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('VIP')",
            run: "click",
        },
        {
            content: "The seed's criteria are its rules",
            trigger: ".o_field_widget[name=rule_ids] .o_data_row:contains('Half-year 10-day average deposits of 500,000')",
        },
        {
            content: "Open Configuration for a what-if",
            trigger: CONFIGURATION,
            run: "click",
        },
        {
            content: "Open the what-if on thresholds",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_tier_whatif_menu']",
            run: "click",
        },
        {
            content: "Preview the current thresholds",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The effect per tier is shown, and can now be proposed for approval",
            trigger: ".modal:has(.o_field_widget[name=result_ids]) button[name=action_propose]",
        },
        {
            content: "Close without proposing",
            trigger: ".modal .modal-footer button.btn-secondary:contains('Close')",
            run: "click",
        },
        {
            content: "Open Configuration again",
            trigger: CONFIGURATION,
            run: "click",
        },
        {
            content: "Open the balance import",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_balance_import_menu']",
            run: "click",
        },
        {
            content: "The import explains the all-or-nothing rule and offers to load",
            trigger: ".modal:contains('Either every line is loaded or none') button[name=action_import]",
        },
    ],
});
