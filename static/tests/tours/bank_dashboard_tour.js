import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * An RM, working in Chinese, opens the Dashboards app: the bank's dashboard comes first (its
 * group's sequence). The Customers and AUM scorecards (Data!B1, Data!B3, see
 * scripts/build_dashboard.py) must equal the ORM's figures for the same user. The spreadsheet is
 * drawn on a canvas: its values are read from the dashboard's model, not from the page text.
 */
const CUSTOMERS = { col: 1, row: 0, figure: "brm-scorecard-1" };
const AUM = { col: 1, row: 2, figure: "brm-scorecard-3" };

function activeModel() {
    const services = odoo.__WOWL_DEBUG__.root.env.services;
    return services.spreadsheet_dashboard_loader.getActiveDashboard()?.model;
}

function cellValue(model, { col, row }) {
    const sheetId = model.getters.getSheetIds().find((id) => model.getters.getSheetName(id) === "Data");
    return model.getters.getEvaluatedCell({ sheetId, col, row }).value;
}

async function waitForNumbers(model, cells) {
    for (let attempt = 0; attempt < 100; attempt++) {
        const values = cells.map((cell) => cellValue(model, cell));
        if (values.every((value) => typeof value === "number")) {
            return values;
        }
        await sleep(100);
    }
    throw new Error(`scorecards not loaded: ${cells.map((cell) => cellValue(model, cell))}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for every chart and every cell to load, then lists those in error (Odoo's charts show a
 * failed data source as an empty chart, without any console error). */
async function loadErrors(model) {
    const getters = model.getters;
    const chartIds = getters.getSheetIds().flatMap((id) => getters.getChartIds(id));
    const odooCharts = chartIds.filter((id) => getters.getChart(id).type.startsWith("odoo_"));
    // A chart loads when drawn: the ones below the fold are asked to load here.
    odooCharts.forEach((id) => getters.getChartDataSource(id).load());
    const pending = () => [
        ...odooCharts.filter((id) => !getters.getChartDataSource(id).isReady()),
        ...getters.getSheetIds().flatMap((sheetId) =>
            getters
                .getEvaluatedCellsPositions(sheetId)
                .filter((position) => getters.getEvaluatedCell(position).value === "Loading...")
                .map((p) => `${getters.getSheetName(sheetId)} ${p.col},${p.row}`)
        ),
    ];
    for (let attempt = 0; attempt < 60 && pending().length; attempt++) {
        await sleep(100);
    }
    const errors = pending().map((what) => `still loading: ${what}`);
    for (const id of odooCharts) {
        const dataSource = getters.getChartDataSource(id);
        if (dataSource.isReady() && !dataSource.isValid()) {
            errors.push(`${id}: ${dataSource._loadError?.message}`);
        }
    }
    for (const sheetId of getters.getSheetIds()) {
        for (const position of getters.getEvaluatedCellsPositions(sheetId)) {
            const cell = getters.getEvaluatedCell(position);
            if (cell.type === "error" && cell.value !== "Loading...") {
                const where = `${getters.getSheetName(sheetId)} ${position.col},${position.row}`;
                errors.push(`${where}: ${cell.value} ${cell.message || ""}`);
            }
        }
    }
    return errors;
}

registry.category("web_tour.tours").add("bank_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Dashboards app",
            trigger: ".o_app[data-menu-xmlid='spreadsheet_dashboard.spreadsheet_dashboard_menu_root']",
            run: "click",
        },
        {
            content: "The dashboard is drawn with its figures",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
        },
        {
            content: "It is the bank's dashboard: its scorecards are there",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
            run() {
                const model = activeModel();
                const ids = model.getters.getSheetIds().flatMap((id) => model.getters.getChartIds(id));
                if (!ids.includes(CUSTOMERS.figure) || !ids.includes(AUM.figure)) {
                    throw new Error(`not the Relationship Banking dashboard: ${ids}`);
                }
            },
        },
        {
            content: "Every chart, pivot and list loads without error",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
            async run() {
                const errors = await loadErrors(activeModel());
                if (errors.length) {
                    throw new Error(`data sources in error: ${errors.join("; ")}`);
                }
            },
        },
        {
            content: "Customers and AUM equal the ORM's figures for this RM",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-figure",
            async run() {
                const model = activeModel();
                const [customers, aum] = await waitForNumbers(model, [CUSTOMERS, AUM]);
                const orm = odoo.__WOWL_DEBUG__.root.env.services.orm;
                const [group] = await orm.formattedReadGroup(
                    "res.partner",
                    [["is_bank_customer", "=", true]],
                    [],
                    ["__count", "bank_aum:sum"]
                );
                if (customers !== group.__count || aum !== group["bank_aum:sum"]) {
                    throw new Error(
                        `dashboard ${customers} / ${aum}, ORM ${group.__count} / ${group["bank_aum:sum"]}`
                    );
                }
                if (customers !== 3 || aum !== 1750000) {
                    throw new Error(`expected the test's 3 customers and 1,750,000: ${customers} / ${aum}`);
                }
                const runtime = model.getters.getChartRuntime(CUSTOMERS.figure);
                if (String(runtime.keyValue) !== "3") {
                    throw new Error(`the Customers scorecard shows ${runtime.keyValue}`);
                }
            },
        },
    ],
});
