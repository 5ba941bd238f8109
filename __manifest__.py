# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Bank Relationship Manager",
    "summary": "Relationship-manager organisation of a retail bank: customers, RMs, units, roles",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "Bank Relationship Manager",
    "website": "https://github.com/bank-relationship-manager/bank_relationship_manager",
    "license": "LGPL-3",
    "depends": ["crm", "mail", "contacts", "spreadsheet_dashboard", "web_hierarchy"],
    "data": [
        "security/bank_relationship_manager_groups.xml",
        "security/ir.model.access.csv",
        "security/bank_relationship_manager_security.xml",
        "data/bank_unit_level_data.xml",
        "data/bank_rm_grade_data.xml",
        "data/ir_sequence_data.xml",
        "views/bank_rm_views.xml",
        "views/bank_org_unit_views.xml",
        "views/bank_unit_level_views.xml",
        "views/bank_rm_grade_views.xml",
        "views/res_partner_views.xml",
        "views/bank_relationship_manager_menus.xml",
    ],
    "demo": [
        "demo/res_lang_demo.xml",
        "demo/bank_org_unit_demo.xml",
        "demo/res_users_demo.xml",
        "demo/bank_rm_demo.xml",
        "demo/res_partner_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "bank_relationship_manager/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
