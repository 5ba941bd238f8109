import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An RM, in Chinese, finds today's birthday greeting in the maintenance activities, marks it
 * done through the done form (minutes and what was said), finds the contact in the maintenance
 * log, then asks the sub-branch for joint maintenance of the customer from the customer's form.
 */
registry.category("web_tour.tours").add("bank_maintenance_rm_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Maintenance menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_maintenance_section']",
            run: "click",
        },
        {
            content: "Open the maintenance activities",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_maintenance_activity_menu']",
            run: "click",
        },
        {
            content: "See the month's activities in the calendar (the greeting is due today)",
            trigger: ".o_control_panel .o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "The calendar shows the greeting",
            trigger: ".o_calendar_renderer .fc-event:contains('生日祝福')",
        },
        {
            content: "Back to the list",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Mark the birthday greeting done",
            trigger: ".o_data_row:contains('寿星客户'):contains('生日祝福') button[name=action_bank_open_done_form]",
            run: "click",
        },
        {
            content: "The done form proposes the customer's preferred channel",
            trigger: ".modal .o_field_widget[name=channel]",
        },
        {
            content: "Minutes spent",
            trigger: ".modal .o_field_widget[name=minutes] input",
            run: "edit 35",
        },
        {
            content: "What was said",
            trigger: ".modal .o_field_widget[name=summary] textarea",
            run: "edit 上门送上生日蛋糕，客户想了解基金定投",
        },
        {
            content: "Done and log",
            trigger: ".modal .modal-footer button[name=action_done]",
            run: "click",
        },
        {
            content: "The dialog closed and the greeting is gone",
            trigger: "body:not(:has(.modal)) .o_list_view:not(:has(.o_data_row:contains('寿星客户'):contains('生日祝福')))",
        },
        {
            content: "Open the Maintenance menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_maintenance_section']",
            run: "click",
        },
        {
            content: "Open the maintenance log",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_maintenance_log_menu']",
            run: "click",
        },
        {
            content: "The contact is logged as a visit for the birthday",
            trigger: ".o_data_row:contains('寿星客户'):contains('生日祝福'):contains('拜访'):contains('35')",
        },
        {
            content: "Open the Customers menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_customers_section']",
            run: "click",
        },
        {
            content: "Open the customers",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_menu_customers']",
            run: "click",
        },
        {
            // The customers open as a list. The customer number's cell: only the customer list
            // has it, not the log list shown before it (on a slow machine the row of that list
            // was clicked instead; and a click on "list" in the view switcher, which the log list
            // has too, cancelled the menu's action and left the log on screen).
            content: "Open the customer",
            trigger: ".o_data_row:contains('寿星客户') .o_data_cell[name=bank_customer_no]",
            run: "click",
        },
        {
            content: "Open the Maintenance page",
            trigger: ".o_notebook .nav-link[name=bank_maintenance]",
            run: "click",
        },
        {
            content: "The log is on the customer's form",
            trigger: ".o_field_widget[name=bank_maintenance_log_ids] .o_data_row:contains('生日祝福')",
        },
        {
            content: "Request joint maintenance",
            trigger: "button[name=action_bank_request_escalation]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit 客户计划购买大额理财产品，需要支行共同拜访",
        },
        {
            content: "Save the request",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The dialog closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the Maintenance menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_maintenance_section']",
            run: "click",
        },
        {
            content: "Open the VIP time share",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_vip_time_share_menu']",
            run: "click",
        },
        {
            content: "The RM's month is in the pivot",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains('维护客户经理')",
        },
    ],
});

/**
 * The sub-branch supervisor, in Chinese, finds the request to decide and accepts it.
 */
registry.category("web_tour.tours").add("bank_maintenance_supervisor_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Maintenance menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_maintenance_section']",
            run: "click",
        },
        {
            content: "Open the joint maintenance requests",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_escalation_menu']",
            run: "click",
        },
        {
            content: "Open the request waiting for a decision (not the customer list still shown)",
            trigger: ".o_data_row:contains('寿星客户'):contains('已申请') .o_data_cell",
            run: "click",
        },
        {
            content: "Accept",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_accept]",
            run: "click",
        },
        {
            content: "Accepted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('已接受')",
        },
    ],
});
