// Department names of the shipped implementation list (shared/data/catalog.json): the API
// names departments by code only (no departments endpoint). An unknown code shows as itself.
// Regenerate when the catalog's departments change.
import { pick } from '../i18n'

export const DEPARTMENTS: Record<string, { zh: string; en: string }> = {
  ADMIN: { zh: "行政审批服务局", en: "Administrative Approval Service Bureau" },
  MARKET: { zh: "市场监督管理局", en: "Market Supervision Administration" },
  DRC: { zh: "发展和改革局", en: "Development and Reform Bureau" },
  NATRES: { zh: "自然资源和规划局", en: "Natural Resources and Planning Bureau" },
  HOUSING: { zh: "住房和城乡建设局", en: "Housing and Urban-Rural Development Bureau" },
  ECOENV: { zh: "生态环境分局", en: "Ecology and Environment Sub-bureau" },
  FIRE: { zh: "消防救援大队", en: "Fire and Rescue Brigade" },
  EMERGENCY: { zh: "应急管理局", en: "Emergency Management Bureau" },
  HEALTH: { zh: "卫生健康局", en: "Health Bureau" },
  HRSS: { zh: "人力资源和社会保障局", en: "Human Resources and Social Security Bureau" },
  TAX: { zh: "税务局", en: "Taxation Bureau" },
  FIN: { zh: "财政局", en: "Finance Bureau" },
  SCITECH: { zh: "科技创新局", en: "Science, Technology and Innovation Bureau" },
  PUBSEC: { zh: "公安分局", en: "Public Security Sub-bureau" },
  URBAN: { zh: "城市管理局", en: "Urban Management Bureau" },
  HPF: { zh: "住房公积金管理中心", en: "Housing Provident Fund Management Centre" },
  POWER: { zh: "国网供电公司", en: "State Grid Power Supply Company" },
  WATER: { zh: "水务集团", en: "Water Supply Group" },
  CIVILDEF: { zh: "人民防空办公室", en: "Civil Air Defence Office" },
  MEDINS: { zh: "医疗保障局", en: "Healthcare Security Bureau" },
  CUSTOMS: { zh: "海关办事处", en: "Customs Office" },
  PBOC: { zh: "中国人民银行烟台市分行", en: "People's Bank of China, Yantai Branch" },
  TRANSPORT: { zh: "交通运输局", en: "Transport Bureau" },
  AGRI: { zh: "农业农村和水利局", en: "Agriculture, Rural Affairs and Water Resources Bureau" },
  EDU: { zh: "教育和体育局", en: "Education and Sports Bureau" },
  CIVIL: { zh: "民政局", en: "Civil Affairs Bureau" },
  COMMERCE: { zh: "商务局", en: "Commerce Bureau" },
  WEATHER: { zh: "气象局", en: "Meteorological Bureau" },
  GAS: { zh: "燃气公司", en: "Gas Supply Company" },
}

/** A department's name in the current locale, or its code when unknown. */
export function departmentName(code: string): string {
  const d = DEPARTMENTS[code]
  return d ? pick(d.zh, d.en) : code
}
