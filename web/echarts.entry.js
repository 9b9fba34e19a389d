// The ECharts that Jindu's pages load: only the parts its charts use (bar
// and line series; title, tooltip, legend, grid, mark lines and ARIA
// decals; the SVG renderer), bundled by esbuild from the pinned npm
// package at `make assets` time. web/static/js/charts.js draws with it.
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
]);

// globalThis is window in a browser and the global object of the server's
// JavaScript engine (web/ssr), which has no window: ECharts then takes
// itself for a server and renders SVG strings.
globalThis.echarts = echarts;
