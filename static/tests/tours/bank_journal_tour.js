import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An RM, working in Chinese, writes this week's summary: the week's contacts are already
 * counted, the RM adds the analysis and next week's plan and submits it to the supervisor.
 */
registry.category("web_tour.tours").add("bank_journal_weekly_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Journal menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_journal_section']",
            run: "click",
        },
        {
            content: "Open the weekly summaries",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_weekly_summary_menu']",
            run: "click",
        },
        {
            content: "The weekly summaries are open, in Chinese",
            trigger: ".o_breadcrumb:contains('周工作总结')",
        },
        {
            content: "Write this week's summary",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "A new summary of this week, its figures filled in on saving",
            trigger: ".o_form_view .o_field_widget[name=state] button.o_arrow_button_current:contains('草稿')",
        },
        {
            content: "Analyse the week",
            trigger: ".o_field_widget[name=analysis] textarea",
            run: "edit 本周上门拜访一位客户，客户有意购买理财产品。",
        },
        {
            content: "Plan next week",
            trigger: ".o_field_widget[name=next_week_plan] textarea",
            run: "edit 下周二与客户签约。",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The week's visit is counted, in Chinese",
            trigger: ".o_form_saved .o_group:has(label:contains('约访次数')) .o_field_widget[name=visit_count]:contains('1')",
        },
        {
            content: "Submit it to the supervisor",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_submit]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Submitted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('已提交')",
        },
        {
            content: "The summary shows to whom it went",
            trigger: ".o_field_widget[name=supervisor_user_id]:contains('巡回支行主管')",
        },
    ],
});

/**
 * The outlet head, in Chinese, finds a resolved complaint in the kanban by state, writes its
 * root cause and closes the case; an overdue one stands out in its column.
 */
registry.category("web_tour.tours").add("bank_complaint_head_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Complaints menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='bank_relationship_manager.bank_menu_complaints_section']",
            run: "click",
        },
        {
            content: "Open the complaints",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_complaint_menu']",
            run: "click",
        },
        {
            content: "The overdue complaint is flagged in the in-progress column",
            trigger: ".o_kanban_group:has(.o_column_title:contains('进行中')) .o_kanban_record:contains('逾期投诉客户'):contains('已逾期')",
        },
        {
            content: "Open the resolved complaint",
            trigger: ".o_kanban_group:has(.o_column_title:contains('已处理')) .o_kanban_record:contains('汇报巡回客户')",
            run: "click",
        },
        {
            content: "Write the root cause",
            trigger: ".o_field_widget[name=root_cause] textarea",
            run: "edit 高峰时段理财窗口不足",
        },
        {
            content: "Close the case",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_close]",
            run: "click",
        },
        {
            content: "Closed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('已结案')",
        },
    ],
});
