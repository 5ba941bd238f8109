import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const CAMPAIGN = "专项巡回联络竞赛";

function openCampaigns() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Relationship Banking app",
            trigger: ".o_app[data-menu-xmlid='bank_relationship_manager.bank_menu_root']",
            run: "click",
        },
        {
            content: "Open the Appraisal menu",
            trigger: ".o_main_navbar [data-menu-xmlid='bank_relationship_manager.bank_menu_appraisal']",
            run: "click",
        },
        {
            content: "Open the campaigns",
            trigger: ".dropdown-item[data-menu-xmlid='bank_relationship_manager.bank_appraisal_campaign_menu']",
            run: "click",
        },
        {
            content: "Open the campaign",
            trigger: `.o_list_view .o_data_row td[name=name]:contains('${CAMPAIGN}')`,
            run: "click",
        },
    ];
}

/**
 * The RM office, working in Chinese, opens the computed campaign, checks its leaderboard and
 * publishes it.
 */
registry.category("web_tour.tours").add("bank_appraisal_campaign_office_tour", {
    url: "/odoo",
    steps: () => [
        ...openCampaigns(),
        {
            content: "The leaderboard is computed: the champion is first",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:first-child td[name=rm_id]:contains('冠军客户经理')",
        },
        {
            content: "Publish",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_publish]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The campaign is published and frozen",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=published]",
        },
        {
            content: "The top RM is praised on the campaign",
            trigger: ".o-mail-Message:contains('冠军客户经理')",
        },
        {
            content: "Nothing left to publish",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_publish])):not(:has(button[name=action_compute]))",
        },
    ],
});

/**
 * An RM in scope, working in Chinese, opens the published campaign and its leaderboard: names,
 * actuals and ranks of every RM in scope.
 */
registry.category("web_tour.tours").add("bank_appraisal_campaign_rm_tour", {
    url: "/odoo",
    steps: () => [
        ...openCampaigns(),
        {
            content: "Open the leaderboard",
            trigger: ".o_form_view button[name=action_open_leaderboard]",
            run: "click",
        },
        {
            content: "The champion is first, with 3 contacts",
            trigger: ".o_list_view .o_data_row:first-child:has(td[name=rm_id]:contains('冠军客户经理')):has(td[name=rank]:contains('1')):has(td[name=actual]:contains('3'))",
        },
        {
            content: "The RM sees their own rank: second, with 1 contact",
            trigger: ".o_list_view .o_data_row:has(td[name=rm_id]:contains('追赶客户经理')):has(td[name=rank]:contains('2')):has(td[name=actual]:contains('1'))",
        },
        {
            content: "The last one too",
            trigger: ".o_list_view .o_data_row:has(td[name=rm_id]:contains('起步客户经理')):has(td[name=rank]:contains('3'))",
        },
    ],
});
