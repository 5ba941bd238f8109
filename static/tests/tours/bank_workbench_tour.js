import { registry } from "@web/core/registry";

/**
 * An RM's morning, in Chinese: the workbench is the home page; today's birthday greeting is
 * counted under its kind; the RM opens it, marks it done through the done form (which logs the
 * contact), comes back to the workbench and the count has dropped to zero.
 */
registry.category("web_tour.tours").add("bank_workbench_rm_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The workbench is the home page: one birthday greeting due",
            trigger: ".o_bank_workbench_activities .o_data_row:contains('生日祝福') td[name=count]:contains('1')",
        },
        {
            content: "Open the birthday greetings",
            trigger: ".o_bank_workbench_activities .o_data_row:contains('生日祝福') button[name=action_open]",
            run: "click",
        },
        {
            content: "Mark the greeting done",
            trigger: ".o_data_row:contains('工作台寿星') button[name=action_bank_open_done_form]",
            run: "click",
        },
        {
            content: "Minutes spent",
            trigger: ".modal .o_field_widget[name=minutes] input",
            run: "edit 15",
        },
        {
            content: "What was said",
            trigger: ".modal .o_field_widget[name=summary] textarea",
            run: "edit 电话祝福生日快乐",
        },
        {
            content: "Done and log",
            trigger: ".modal .modal-footer button[name=action_done]",
            run: "click",
        },
        {
            content: "The greeting is gone from the list",
            trigger: "body:not(:has(.modal)) .o_list_view:not(:has(.o_data_row:contains('工作台寿星')))",
        },
        {
            content: "Back to the workbench",
            trigger: ".o_breadcrumb .breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "No birthday greeting due any more",
            trigger: ".o_bank_workbench_activities .o_data_row:contains('生日祝福') td[name=count]:contains('0')",
        },
    ],
});

/**
 * A unit head's queue, in Chinese: the check-out an RM asked for waits on the workbench; the head
 * opens the queue and approves it there.
 */
registry.category("web_tour.tours").add("bank_workbench_head_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "One check-out to approve",
            trigger: ".o_bank_workbench_queue .o_data_row:contains('待审批的档案借阅') td[name=count]:contains('1')",
        },
        {
            content: "Open the check-outs to approve",
            trigger: ".o_bank_workbench_queue .o_data_row:contains('待审批的档案借阅') button[name=action_open]",
            run: "click",
        },
        {
            content: "Approve the request",
            trigger: ".o_data_row:contains('工作台借阅客户') button[name=action_approve]",
            run: "click",
        },
        {
            content: "Approved: no approve button left for it (the row leaves the queue)",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('工作台借阅客户') button[name=action_approve]))",
        },
        {
            content: "Back to the workbench",
            trigger: ".o_breadcrumb .breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "Nothing left to approve",
            trigger: ".o_bank_workbench_queue .o_data_row:contains('待审批的档案借阅') td[name=count]:contains('0')",
        },
    ],
});
