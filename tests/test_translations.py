# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every term of the add-on has its Simplified Chinese translation."""

    def test_every_term_translated(self):
        reader = TranslationModuleReader(self.env.cr, modules=["bank_relationship_manager"], lang="zh_CN")
        sources = {row[4] for row in reader}
        self.assertGreater(len(sources), 100, "the reader found the add-on's terms")
        catalogue = polib.pofile(file_path("bank_relationship_manager/i18n/zh_CN.po"))
        translated = {e.msgid for e in catalogue if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}
        missing = sorted(sources - translated)
        self.assertFalse(missing, f"{len(missing)} terms lack a zh_CN translation, e.g. {missing[:10]}")
        # Odoo merges the .po with the .pot when loading it: a term missing from the .pot is
        # then obsolete and silently not loaded (the catalogue must be merged with a fresh .pot).
        pot = file_path("bank_relationship_manager/i18n/bank_relationship_manager.pot")
        template = {e.msgid for e in polib.pofile(pot)}
        stale = sorted(sources - template)
        self.assertFalse(stale, f"{len(stale)} terms are missing from the .pot, e.g. {stale[:10]}")

    def test_translation_is_applied(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["bank_relationship_manager"], ["zh_CN"], overwrite=True)
        menu = self.env.ref("bank_relationship_manager.bank_menu_root").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "客户经理管理")
        grade = self.env.ref("bank_relationship_manager.rm_grade_senior").with_context(lang="zh_CN")
        self.assertEqual(grade.name, "高级客户经理")
