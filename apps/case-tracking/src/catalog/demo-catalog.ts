import { createHash } from 'node:crypto';
import { DEMO_DEFAULT_SEED, vietnameseSlug, type MemberConfig, type Registry } from '@lgsp/registry';
import {
  onlineModeOfLevel,
  type DayKind,
  type OnlineMode,
  type Procedure,
  type ProcedureField,
  type ProcedureReceivers,
  type ProcedureStep,
  type ProcedureTier,
  type ServiceLevel,
} from './procedure';

/**
 * A demo procedure catalog at the scale of the seed reports (2,081 procedures: 1,519 province-tier, 383
 * district-tier, 179 commune-tier; 52 at level 3 and 1,144 at level 4), built from whatever registry the service
 * runs with: its province publishes every procedure, its departments receive the province-tier ones, its districts
 * and communes the others. Procedure names are plausible, not an official list; national numbers are invented.
 *
 * Deterministic: the same registry and seed give an equal catalog, so that a demo case filed against a code today
 * still finds it after a restart. Linear in the size of the catalog, because it runs at every start-up without a
 * catalog file.
 */
export function generateDemoCatalog(registry: Registry, seed: string = DEMO_DEFAULT_SEED): Procedure[] {
  const province = provinceOf(registry);
  const departments = registry.children(province.code).filter((member) => member.kind === 'department');
  if (departments.length === 0) {
    throw new Error(`The demo catalog needs departments under ${province.name} (${province.code}) to receive its province-tier procedures; the registry has none.`);
  }
  const random = (label: string) => seededRandom(seed, label);
  const sectorOf = new Map(departments.map((department) => [department, sectorOfDepartment(department)] as const));
  const departmentOfSector = new Map<Sector, MemberConfig>();
  for (const [department, sector] of sectorOf) if (!departmentOfSector.has(sector)) departmentOfSector.set(sector, department);

  const names = new NamePool();
  const shapes = random('shapes');
  const drafts: Draft[] = [];

  // Province tier: each department's share, then its fields' names in turn.
  const departmentShares = apportion(TIER_COUNTS.province, departments.map((department) => sectorOf.get(department)!.weights.province), 1);
  departments.forEach((department, index) => {
    const sector = sectorOf.get(department)!;
    const others = departments.filter((other) => other !== department);
    for (const { field, name } of names.take(sector.fields, 'province', departmentShares[index]!, random(`names:${department.code}`))) {
      const { processingDays, dayKind } = timeLimit('province', shapes);
      drafts.push({
        name,
        field,
        tier: 'province',
        processingDays,
        dayKind,
        receivers: { scope: 'agencies', agencies: [department.code] },
        steps: provinceSteps(processingDays, others, province, shapes),
      });
    }
  });

  // District and commune tiers: sectors share the count by their weight at that tier, whichever departments exist.
  for (const tier of ['district', 'commune'] as const) {
    const sectors = SECTORS.filter((sector) => sector.fields.some((field) => (field[tier]?.length ?? 0) > 0));
    const shares = apportion(TIER_COUNTS[tier], sectors.map((sector) => sector.weights[tier]));
    sectors.forEach((sector, index) => {
      for (const { field, name, liaison } of names.take(sector.fields, tier, shares[index]!, random(`names:${tier}:${sector.keys[0]}`))) {
        const { processingDays, dayKind } = timeLimit(tier, shapes);
        if (tier === 'district') {
          // Land, social protection and the like are filed at the commune and decided by the district (liên thông).
          const viaCommunes = shapes() < (liaison ? 0.85 : 0.2);
          drafts.push({
            name,
            field,
            tier,
            processingDays,
            dayKind,
            receivers: { scope: viaCommunes ? 'districts-and-communes' : 'districts' },
            steps: districtSteps(processingDays, viaCommunes, departmentOfSector.get(sector), shapes),
          });
        } else {
          drafts.push({ name, field, tier, processingDays, dayKind, receivers: { scope: 'communes' }, steps: communeSteps(processingDays, shapes) });
        }
      }
    });
  }

  const numbers = procedureNumbers(drafts.length, random('numbers'));
  const services = serviceLevels(drafts.length, random('levels'));
  return drafts.map((draft, index) => ({
    code: `1.${numbers[index]}.${province.code}`,
    name: draft.name,
    field: { ...draft.field },
    tier: draft.tier,
    level: services[index]!.level,
    onlineMode: services[index]!.onlineMode,
    processingDays: draft.processingDays,
    dayKind: draft.dayKind,
    receivers: draft.receivers,
    steps: draft.steps,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Scale.

const TIER_COUNTS: Readonly<Record<ProcedureTier, number>> = { province: 1519, district: 383, commune: 179 };
const LEVEL_3_COUNT = 52;
const LEVEL_4_COUNT = 1144;
/** Decree 43's level 1 (information only) survives on a few procedures that were never put online. */
const LEVEL_1_COUNT = 15;
/**
 * Level-4 procedures that Decree 42 classed as partly online (an original paper must still be shown), kept so that
 * the demo carries both vocabularies apart, as real catalogs do.
 */
const RECLASSIFIED_COUNT = 36;

/** A department whose name matches no sector gets a middling share, so an unknown province still spreads evenly. */
const DEFAULT_PROVINCE_WEIGHT = 40;

// ---------------------------------------------------------------------------------------------------------------
// Sectors: the departments' lines of work, with their fields (lĩnh vực) and a handful of real-sounding procedure
// names per field and tier. Weights are relative shares of each tier's procedures, roughly as catalogs spread them.

interface FieldSpec {
  code: string;
  name: string;
  province?: readonly string[];
  district?: readonly string[];
  commune?: readonly string[];
  /** District-tier procedures of this field are mostly filed at the commune and forwarded (liên thông). */
  liaison?: boolean;
}

interface Sector {
  /** Slugged words that identify the department by its name, e.g. `tu-phap` in `Sở Tư pháp`. */
  keys: readonly string[];
  weights: Readonly<Record<ProcedureTier, number>>;
  fields: readonly FieldSpec[];
}

const SECTORS: readonly Sector[] = [
  {
    keys: ['tu-phap'],
    weights: { province: 110, district: 45, commune: 55 },
    fields: [
      {
        code: 'TP-HT',
        name: 'Hộ tịch',
        province: [
          'Cấp bản sao trích lục hộ tịch',
          'Cấp bản sao giấy tờ hộ tịch từ sổ hộ tịch lưu tại Sở Tư pháp',
          'Xác nhận thông tin hộ tịch lưu tại Sở Tư pháp',
        ],
        district: [
          'Đăng ký khai sinh có yếu tố nước ngoài',
          'Đăng ký kết hôn có yếu tố nước ngoài',
          'Đăng ký khai tử có yếu tố nước ngoài',
          'Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài',
          'Đăng ký giám hộ có yếu tố nước ngoài',
          'Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc',
          'Ghi vào sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài',
          'Ghi vào sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã được giải quyết ở nước ngoài',
        ],
        commune: [
          'Đăng ký khai sinh',
          'Đăng ký kết hôn',
          'Đăng ký khai tử',
          'Đăng ký nhận cha, mẹ, con',
          'Đăng ký giám hộ',
          'Đăng ký chấm dứt giám hộ',
          'Cấp giấy xác nhận tình trạng hôn nhân',
          'Đăng ký khai sinh kết hợp nhận cha, mẹ, con',
          'Đăng ký lại khai sinh',
          'Đăng ký lại kết hôn',
          'Đăng ký lại khai tử',
          'Cấp bản sao trích lục hộ tịch tại Ủy ban nhân dân cấp xã',
          'Đăng ký khai sinh lưu động',
          'Đăng ký kết hôn lưu động',
        ],
      },
      {
        code: 'TP-CT',
        name: 'Chứng thực',
        district: [
          'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của nước ngoài cấp',
          'Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật',
          'Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản',
          'Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch',
          'Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực',
        ],
        commune: [
          'Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp',
          'Chứng thực chữ ký trong các giấy tờ, văn bản',
          'Chứng thực di chúc',
          'Chứng thực văn bản từ chối nhận di sản',
          'Chứng thực hợp đồng, giao dịch liên quan đến nhà ở',
          'Chứng thực văn bản thỏa thuận phân chia di sản',
          'Chứng thực văn bản khai nhận di sản',
        ],
      },
      {
        code: 'TP-QT',
        name: 'Quốc tịch',
        province: [
          'Giải quyết hồ sơ xin nhập quốc tịch Việt Nam',
          'Giải quyết hồ sơ xin trở lại quốc tịch Việt Nam',
          'Giải quyết hồ sơ xin thôi quốc tịch Việt Nam',
          'Cấp giấy xác nhận có quốc tịch Việt Nam',
          'Cấp giấy xác nhận là người gốc Việt Nam',
          'Thông báo có quốc tịch nước ngoài',
        ],
      },
      {
        code: 'TP-LLTP',
        name: 'Lý lịch tư pháp',
        province: [
          'Cấp phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam',
          'Cấp phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng',
          'Cấp phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã hội',
        ],
      },
      {
        code: 'TP-LS',
        name: 'Luật sư',
        province: [
          'Đăng ký hoạt động của tổ chức hành nghề luật sư',
          'Đăng ký hoạt động của chi nhánh của tổ chức hành nghề luật sư',
          'Đăng ký hành nghề luật sư với tư cách cá nhân',
          'Thay đổi người đại diện theo pháp luật của văn phòng luật sư, công ty luật',
          'Chuyển đổi văn phòng luật sư thành công ty luật',
          'Hợp nhất công ty luật',
          'Sáp nhập công ty luật',
        ],
      },
      {
        code: 'TP-CC',
        name: 'Công chứng',
        province: [
          'Thành lập văn phòng công chứng',
          'Đăng ký hoạt động văn phòng công chứng',
          'Đăng ký hành nghề và cấp thẻ công chứng viên',
          'Chuyển đổi văn phòng công chứng do một công chứng viên thành lập',
          'Hợp nhất văn phòng công chứng',
          'Bổ nhiệm công chứng viên',
          'Miễn nhiệm công chứng viên',
        ],
      },
      {
        code: 'TP-DGTS',
        name: 'Đấu giá tài sản',
        province: [
          'Cấp thẻ đấu giá viên',
          'Đăng ký hoạt động của doanh nghiệp đấu giá tài sản',
          'Thay đổi nội dung đăng ký hoạt động của doanh nghiệp đấu giá tài sản',
          'Phê duyệt đủ điều kiện thực hiện hình thức đấu giá trực tuyến',
        ],
      },
      {
        code: 'TP-TGPL',
        name: 'Trợ giúp pháp lý',
        province: [
          'Yêu cầu trợ giúp pháp lý',
          'Đăng ký tham gia trợ giúp pháp lý',
          'Lựa chọn, ký hợp đồng với luật sư thực hiện trợ giúp pháp lý',
          'Cấp thẻ cộng tác viên trợ giúp pháp lý',
        ],
      },
      {
        code: 'TP-HGCS',
        name: 'Hòa giải ở cơ sở',
        commune: ['Công nhận hòa giải viên', 'Thôi làm hòa giải viên', 'Công nhận tổ trưởng tổ hòa giải', 'Thanh toán thù lao cho hòa giải viên'],
      },
    ],
  },
  {
    keys: ['ke-hoach-va-dau-tu'],
    weights: { province: 125, district: 25, commune: 0 },
    fields: [
      {
        code: 'KH-DKDN',
        name: 'Đăng ký doanh nghiệp',
        province: [
          'Đăng ký thành lập doanh nghiệp tư nhân',
          'Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên',
          'Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên',
          'Đăng ký thành lập công ty cổ phần',
          'Đăng ký thành lập công ty hợp danh',
          'Đăng ký thay đổi địa chỉ trụ sở chính của doanh nghiệp',
          'Đăng ký đổi tên doanh nghiệp',
          'Đăng ký thay đổi người đại diện theo pháp luật của công ty',
          'Đăng ký thay đổi vốn điều lệ',
          'Thông báo tạm ngừng kinh doanh',
          'Giải thể doanh nghiệp',
          'Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh',
          'Chuyển đổi doanh nghiệp tư nhân thành công ty trách nhiệm hữu hạn',
        ],
      },
      {
        code: 'KH-DT',
        name: 'Đầu tư tại Việt Nam',
        province: [
          'Chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh',
          'Cấp giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận chủ trương đầu tư',
          'Điều chỉnh dự án đầu tư',
          'Chuyển nhượng dự án đầu tư',
          'Thành lập tổ chức kinh tế của nhà đầu tư nước ngoài',
          'Góp vốn, mua cổ phần, mua phần vốn góp của nhà đầu tư nước ngoài',
          'Chấm dứt hoạt động dự án đầu tư',
          'Giãn tiến độ đầu tư',
        ],
      },
      {
        code: 'KH-HTX',
        name: 'Thành lập và hoạt động của hợp tác xã',
        province: [
          'Đăng ký thành lập liên hiệp hợp tác xã',
          'Đăng ký thay đổi nội dung đăng ký liên hiệp hợp tác xã',
          'Giải thể tự nguyện liên hiệp hợp tác xã',
        ],
        district: [
          'Đăng ký thành lập hợp tác xã',
          'Đăng ký thay đổi nội dung đăng ký hợp tác xã',
          'Giải thể tự nguyện hợp tác xã',
          'Đăng ký thành lập chi nhánh, văn phòng đại diện của hợp tác xã',
          'Tạm ngừng hoạt động của hợp tác xã',
        ],
      },
      {
        code: 'KH-HKD',
        name: 'Đăng ký hộ kinh doanh',
        district: [
          'Đăng ký thành lập hộ kinh doanh',
          'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh',
          'Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh',
          'Chấm dứt hoạt động hộ kinh doanh',
        ],
      },
      {
        code: 'KH-ODA',
        name: 'Vốn hỗ trợ phát triển chính thức và viện trợ',
        province: [
          'Lập, phê duyệt văn kiện dự án hỗ trợ kỹ thuật sử dụng vốn ODA',
          'Tiếp nhận khoản viện trợ không hoàn lại không thuộc hỗ trợ phát triển chính thức',
          'Phê duyệt đề xuất chương trình, dự án sử dụng vốn vay ưu đãi',
        ],
      },
      {
        code: 'KH-DTC',
        name: 'Đầu tư công và đấu thầu',
        province: [
          'Thẩm định kế hoạch lựa chọn nhà thầu',
          'Thẩm định hồ sơ mời thầu dự án đầu tư có sử dụng đất',
          'Thẩm định chủ trương đầu tư dự án nhóm B',
          'Thẩm định báo cáo nghiên cứu khả thi dự án đầu tư công',
        ],
      },
    ],
  },
  {
    keys: ['tai-nguyen-va-moi-truong', 'tai-nguyen'],
    weights: { province: 110, district: 55, commune: 14 },
    fields: [
      {
        code: 'TN-DD',
        name: 'Đất đai',
        liaison: true,
        province: [
          'Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất',
          'Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với tổ chức',
          'Thu hồi đất do chấm dứt việc sử dụng đất theo pháp luật',
          'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất của tổ chức',
          'Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế',
          'Cấp giấy chứng nhận quyền sử dụng đất cho tổ chức',
          'Đính chính giấy chứng nhận đã cấp cho tổ chức',
        ],
        district: [
          'Giao đất, cho thuê đất cho hộ gia đình, cá nhân',
          'Chuyển mục đích sử dụng đất đối với hộ gia đình, cá nhân',
          'Đăng ký đất đai, tài sản gắn liền với đất lần đầu',
          'Cấp đổi giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân',
          'Tách thửa hoặc hợp thửa đất',
          'Đăng ký biến động do chuyển nhượng, tặng cho, thừa kế quyền sử dụng đất',
          'Xóa đăng ký cho thuê, cho thuê lại quyền sử dụng đất',
          'Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất',
        ],
        commune: ['Hòa giải tranh chấp đất đai', 'Xác nhận nguồn gốc, thời điểm sử dụng đất'],
      },
      {
        code: 'TN-MT',
        name: 'Môi trường',
        province: [
          'Thẩm định báo cáo đánh giá tác động môi trường',
          'Cấp giấy phép môi trường',
          'Vận hành thử nghiệm công trình xử lý chất thải',
          'Cấp sổ đăng ký chủ nguồn thải chất thải nguy hại',
          'Xác nhận hoàn thành phương án cải tạo, phục hồi môi trường',
        ],
        district: ['Cấp giấy phép môi trường thuộc thẩm quyền cấp huyện', 'Đăng ký môi trường tại cấp huyện'],
        commune: ['Đăng ký môi trường tại cấp xã', 'Tham vấn cộng đồng dân cư trong đánh giá tác động môi trường'],
      },
      {
        code: 'TN-TNN',
        name: 'Tài nguyên nước',
        province: [
          'Cấp giấy phép thăm dò nước dưới đất',
          'Cấp giấy phép khai thác, sử dụng nước mặt',
          'Cấp giấy phép khai thác, sử dụng nước dưới đất',
          'Cấp giấy phép xả nước thải vào nguồn nước',
          'Cấp giấy phép hành nghề khoan nước dưới đất',
          'Tính tiền cấp quyền khai thác tài nguyên nước',
        ],
        district: ['Đăng ký khai thác nước dưới đất'],
      },
      {
        code: 'TN-KS',
        name: 'Khoáng sản',
        province: [
          'Cấp giấy phép thăm dò khoáng sản',
          'Cấp giấy phép khai thác khoáng sản',
          'Cấp giấy phép khai thác tận thu khoáng sản',
          'Trả lại giấy phép khai thác khoáng sản',
          'Chuyển nhượng quyền khai thác khoáng sản',
          'Đóng cửa mỏ khoáng sản',
          'Phê duyệt trữ lượng khoáng sản',
        ],
      },
      {
        code: 'TN-DDBD',
        name: 'Đo đạc và bản đồ',
        province: [
          'Cấp giấy phép hoạt động đo đạc và bản đồ',
          'Cung cấp thông tin, dữ liệu đo đạc và bản đồ',
          'Cấp chứng chỉ hành nghề đo đạc và bản đồ hạng II',
        ],
      },
      {
        code: 'TN-KTTV',
        name: 'Khí tượng thủy văn',
        province: ['Cấp giấy phép hoạt động dự báo, cảnh báo khí tượng thủy văn', 'Cung cấp thông tin, dữ liệu khí tượng thủy văn'],
      },
    ],
  },
  {
    keys: ['xay-dung'],
    weights: { province: 65, district: 22, commune: 0 },
    fields: [
      {
        code: 'XD-HDXD',
        name: 'Hoạt động xây dựng',
        province: [
          'Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II',
          'Cấp giấy phép sửa chữa, cải tạo công trình',
          'Cấp giấy phép di dời công trình',
          'Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng',
          'Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở',
          'Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III',
          'Cấp chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III',
          'Kiểm tra công tác nghiệm thu hoàn thành công trình',
        ],
        district: [
          'Cấp giấy phép xây dựng nhà ở riêng lẻ',
          'Cấp giấy phép xây dựng có thời hạn',
          'Cấp giấy phép sửa chữa, cải tạo nhà ở riêng lẻ',
          'Cấp giấy phép di dời nhà ở riêng lẻ',
          'Thẩm định báo cáo kinh tế - kỹ thuật đầu tư xây dựng',
        ],
      },
      {
        code: 'XD-QHXD',
        name: 'Quy hoạch xây dựng, kiến trúc',
        province: [
          'Thẩm định nhiệm vụ quy hoạch chi tiết xây dựng',
          'Thẩm định đồ án quy hoạch chi tiết xây dựng',
          'Cấp giấy phép quy hoạch dự án đầu tư xây dựng',
          'Cấp chứng chỉ hành nghề kiến trúc',
          'Cung cấp thông tin quy hoạch xây dựng',
        ],
        district: [
          'Thẩm định nhiệm vụ, đồ án quy hoạch chi tiết xây dựng của dự án do nhà đầu tư tổ chức lập',
          'Cung cấp thông tin về quy hoạch xây dựng thuộc thẩm quyền của Ủy ban nhân dân cấp huyện',
        ],
      },
      {
        code: 'XD-NO',
        name: 'Nhà ở và kinh doanh bất động sản',
        province: [
          'Công nhận chủ đầu tư dự án xây dựng nhà ở',
          'Cho thuê nhà ở công vụ',
          'Bán nhà ở xã hội do Nhà nước đầu tư',
          'Cấp chứng chỉ hành nghề môi giới bất động sản',
          'Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán',
        ],
      },
      {
        code: 'XD-VLXD',
        name: 'Vật liệu xây dựng',
        province: ['Công bố hợp quy sản phẩm, hàng hóa vật liệu xây dựng', 'Tiếp nhận bản công bố hợp quy vật liệu xây dựng nhập khẩu'],
      },
    ],
  },
  {
    keys: ['giao-thong'],
    weights: { province: 130, district: 8, commune: 2 },
    fields: [
      {
        code: 'GT-DB',
        name: 'Đường bộ',
        province: [
          'Cấp giấy phép lái xe',
          'Đổi giấy phép lái xe do ngành giao thông vận tải cấp',
          'Đổi giấy phép lái xe do nước ngoài cấp',
          'Cấp giấy phép kinh doanh vận tải bằng xe ô tô',
          'Cấp phù hiệu xe ô tô kinh doanh vận tải',
          'Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn',
          'Cấp giấy phép thi công công trình trên đường bộ đang khai thác',
          'Cấp giấy phép xe tập lái',
          'Công bố đưa bến xe khách vào khai thác',
          'Chấp thuận thiết kế kỹ thuật và phương án tổ chức giao thông của nút giao đấu nối vào quốc lộ',
        ],
        district: ['Cấp giấy phép thi công công trình trên đường huyện', 'Cấp giấy phép lưu hành xe quá tải trọng trên đường huyện'],
        commune: ['Cấp phép sử dụng tạm thời một phần hè phố, lòng đường xã'],
      },
      {
        code: 'GT-DK',
        name: 'Đăng kiểm',
        province: [
          'Cấp giấy chứng nhận chất lượng, an toàn kỹ thuật và bảo vệ môi trường xe cơ giới cải tạo',
          'Thẩm định thiết kế xe cơ giới cải tạo',
          'Cấp giấy chứng nhận đủ điều kiện hoạt động kiểm định xe cơ giới',
        ],
      },
      {
        code: 'GT-DTND',
        name: 'Đường thủy nội địa',
        province: [
          'Đăng ký phương tiện thủy nội địa lần đầu',
          'Đăng ký lại phương tiện thủy nội địa',
          'Xóa giấy chứng nhận đăng ký phương tiện thủy nội địa',
          'Công bố hoạt động bến thủy nội địa',
          'Cấp giấy phép hoạt động bến khách ngang sông',
        ],
        district: ['Đăng ký phương tiện thủy nội địa thô sơ có trọng tải toàn phần đến 15 tấn', 'Công bố hoạt động bến khách ngang sông thuộc địa bàn huyện'],
        commune: ['Đăng ký phương tiện thủy nội địa thô sơ tại Ủy ban nhân dân cấp xã'],
      },
      {
        code: 'GT-DTLX',
        name: 'Đào tạo, sát hạch lái xe',
        province: [
          'Cấp giấy phép đào tạo lái xe ô tô',
          'Cấp giấy chứng nhận giáo viên dạy thực hành lái xe',
          'Cấp giấy chứng nhận trung tâm sát hạch lái xe loại 3 đủ điều kiện hoạt động',
        ],
      },
    ],
  },
  {
    keys: ['y-te'],
    weights: { province: 170, district: 6, commune: 0 },
    fields: [
      {
        code: 'YT-KCB',
        name: 'Khám bệnh, chữa bệnh',
        province: [
          'Cấp giấy phép hoạt động đối với phòng khám đa khoa',
          'Cấp giấy phép hoạt động đối với phòng khám chuyên khoa',
          'Cấp giấy phép hoạt động đối với phòng chẩn trị y học cổ truyền',
          'Cấp giấy phép hoạt động đối với cơ sở dịch vụ y tế',
          'Cấp giấy phép hoạt động đối với trạm y tế cấp xã',
          'Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh đối với người Việt Nam',
          'Điều chỉnh phạm vi hoạt động chuyên môn trong chứng chỉ hành nghề',
          'Công bố cơ sở đủ điều kiện thực hiện khám sức khỏe',
        ],
      },
      {
        code: 'YT-DUOC',
        name: 'Dược phẩm',
        province: [
          'Cấp chứng chỉ hành nghề dược',
          'Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho cơ sở bán lẻ thuốc',
          'Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho cơ sở bán buôn thuốc',
          'Đánh giá đáp ứng thực hành tốt cơ sở bán lẻ thuốc',
          'Cho phép hủy thuốc gây nghiện, thuốc hướng thần',
          'Cấp giấy xác nhận nội dung quảng cáo thuốc',
          'Duyệt dự trù thuốc gây nghiện, thuốc hướng thần',
        ],
      },
      {
        code: 'YT-ATTP',
        name: 'An toàn thực phẩm',
        province: [
          'Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất thực phẩm',
          'Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh dịch vụ ăn uống',
          'Đăng ký bản công bố sản phẩm thực phẩm bảo vệ sức khỏe',
          'Cấp giấy xác nhận nội dung quảng cáo thực phẩm',
        ],
        district: [
          'Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với bếp ăn tập thể',
          'Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh dịch vụ ăn uống do cấp huyện quản lý',
        ],
      },
      {
        code: 'YT-TTBYT',
        name: 'Trang thiết bị y tế',
        province: [
          'Công bố tiêu chuẩn áp dụng đối với trang thiết bị y tế loại A',
          'Công bố đủ điều kiện mua bán trang thiết bị y tế loại B, C, D',
          'Công bố đủ điều kiện sản xuất trang thiết bị y tế',
        ],
      },
      {
        code: 'YT-YTDP',
        name: 'Y tế dự phòng',
        province: [
          'Công bố cơ sở đủ điều kiện tiêm chủng',
          'Công bố cơ sở xét nghiệm đạt tiêu chuẩn an toàn sinh học cấp I, cấp II',
          'Cấp giấy chứng nhận đủ điều kiện điều trị nghiện chất dạng thuốc phiện bằng thuốc thay thế',
        ],
      },
      {
        code: 'YT-GDYK',
        name: 'Giám định y khoa',
        province: [
          'Khám giám định thương tật lần đầu do tai nạn lao động',
          'Khám giám định lại bệnh nghề nghiệp tái phát',
          'Khám giám định mức độ khuyết tật',
          'Khám giám định để hưởng chế độ hưu trí trước tuổi',
        ],
      },
    ],
  },
  {
    keys: ['giao-duc'],
    weights: { province: 85, district: 40, commune: 6 },
    fields: [
      {
        code: 'GD-GDDT',
        name: 'Giáo dục và đào tạo',
        province: [
          'Cho phép thành lập trường trung học phổ thông tư thục',
          'Cho phép trường trung học phổ thông hoạt động giáo dục',
          'Sáp nhập, chia, tách trường trung học phổ thông',
          'Cấp phép hoạt động giáo dục kỹ năng sống',
          'Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục',
          'Chuyển trường đối với học sinh trung học phổ thông',
          'Xin học lại tại trường khác đối với học sinh trung học',
        ],
        district: [
          'Thành lập trường mầm non công lập',
          'Cho phép trường tiểu học hoạt động giáo dục',
          'Cho phép trường trung học cơ sở hoạt động giáo dục',
          'Sáp nhập, chia, tách trường mầm non',
          'Chuyển trường đối với học sinh trung học cơ sở',
          'Tiếp nhận học sinh trung học cơ sở người nước ngoài',
        ],
        commune: [
          'Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục',
          'Sáp nhập, chia, tách nhóm trẻ, lớp mẫu giáo độc lập',
          'Giải thể nhóm trẻ, lớp mẫu giáo độc lập',
        ],
      },
      {
        code: 'GD-VBCC',
        name: 'Văn bằng, chứng chỉ',
        province: [
          'Cấp bản sao văn bằng, chứng chỉ từ sổ gốc',
          'Chỉnh sửa nội dung văn bằng, chứng chỉ',
          'Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở giáo dục nước ngoài cấp',
        ],
        district: ['Cấp bản sao văn bằng tốt nghiệp trung học cơ sở từ sổ gốc', 'Chỉnh sửa nội dung văn bằng tốt nghiệp trung học cơ sở'],
      },
      {
        code: 'GD-THI',
        name: 'Thi, tuyển sinh',
        province: [
          'Đăng ký dự thi tốt nghiệp trung học phổ thông',
          'Phúc khảo bài thi tốt nghiệp trung học phổ thông',
          'Xét tuyển học sinh vào trường phổ thông dân tộc nội trú',
          'Xét đặc cách tốt nghiệp trung học phổ thông',
        ],
        district: ['Xét tuyển sinh vào lớp 6 trường phổ thông dân tộc bán trú', 'Công nhận tốt nghiệp trung học cơ sở'],
      },
    ],
  },
  {
    keys: ['lao-dong'],
    weights: { province: 130, district: 70, commune: 45 },
    fields: [
      {
        code: 'LD-NCC',
        name: 'Người có công',
        liaison: true,
        province: [
          'Giải quyết chế độ trợ cấp thờ cúng liệt sĩ',
          'Cấp giấy chứng nhận thân nhân liệt sĩ',
          'Công nhận thương binh, người hưởng chính sách như thương binh',
          'Giám định lại thương tật do vết thương cũ tái phát',
          'Di chuyển hồ sơ người có công với cách mạng',
          'Giải quyết chế độ người hoạt động kháng chiến bị nhiễm chất độc hóa học',
        ],
        district: [
          'Giải quyết chế độ ưu đãi đối với vợ hoặc chồng liệt sĩ lấy chồng hoặc vợ khác',
          'Hỗ trợ người có công đi làm phương tiện, dụng cụ chỉnh hình',
          'Giải quyết chế độ mai táng phí đối với cựu chiến binh',
          'Thăm viếng mộ liệt sĩ',
          'Di chuyển hài cốt liệt sĩ đang an táng ngoài nghĩa trang liệt sĩ',
          'Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần',
        ],
        commune: ['Xác nhận vào đơn đề nghị di chuyển hài cốt liệt sĩ', 'Xác nhận thân nhân của người có công'],
      },
      {
        code: 'LD-VL',
        name: 'Việc làm',
        province: [
          'Giải quyết hưởng trợ cấp thất nghiệp',
          'Tạm dừng hưởng trợ cấp thất nghiệp',
          'Chuyển nơi hưởng trợ cấp thất nghiệp',
          'Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam',
          'Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động',
          'Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp',
        ],
      },
      {
        code: 'LD-BTXH',
        name: 'Bảo trợ xã hội',
        liaison: true,
        province: [
          'Thành lập cơ sở trợ giúp xã hội công lập thuộc tỉnh',
          'Cấp giấy phép hoạt động đối với cơ sở trợ giúp xã hội',
          'Tiếp nhận đối tượng cần bảo vệ khẩn cấp vào cơ sở trợ giúp xã hội cấp tỉnh',
        ],
        district: [
          'Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng',
          'Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội',
          'Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội cấp huyện',
          'Đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập',
          'Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở',
          'Chi trả trợ cấp xã hội hàng tháng khi đối tượng thay đổi nơi cư trú',
        ],
        commune: [
          'Xác định, xác định lại mức độ khuyết tật và cấp giấy xác nhận khuyết tật',
          'Đổi, cấp lại giấy xác nhận khuyết tật',
          'Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng',
          'Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm',
          'Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm',
          'Hỗ trợ cho người khuyết tật, trẻ em khuyết tật học tập',
        ],
      },
      {
        code: 'LD-GDNN',
        name: 'Giáo dục nghề nghiệp',
        province: [
          'Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp',
          'Đăng ký bổ sung hoạt động giáo dục nghề nghiệp',
          'Thành lập trường trung cấp công lập',
          'Cho phép thành lập trường trung cấp tư thục',
        ],
        district: ['Thành lập trung tâm giáo dục nghề nghiệp công lập cấp huyện'],
      },
      {
        code: 'LD-ATLD',
        name: 'An toàn, vệ sinh lao động',
        province: [
          'Cấp giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh lao động hạng A',
          'Khai báo sử dụng máy, thiết bị có yêu cầu nghiêm ngặt về an toàn lao động',
          'Đăng ký nội quy lao động của doanh nghiệp',
        ],
      },
      {
        code: 'LD-TE',
        name: 'Trẻ em',
        liaison: true,
        district: ['Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em', 'Chấm dứt việc chăm sóc thay thế cho trẻ em'],
        commune: [
          'Đăng ký nhận chăm sóc thay thế cho trẻ em đối với cá nhân không phải là người thân thích',
          'Phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em bị xâm hại',
        ],
      },
      {
        code: 'LD-PCTNXH',
        name: 'Phòng, chống tệ nạn xã hội',
        province: ['Cấp giấy phép thành lập cơ sở cai nghiện ma túy tự nguyện', 'Tiếp nhận người tự nguyện cai nghiện vào cơ sở cai nghiện công lập'],
        commune: ['Đăng ký cai nghiện ma túy tự nguyện tại gia đình, cộng đồng'],
      },
    ],
  },
  {
    keys: ['cong-thuong'],
    weights: { province: 140, district: 18, commune: 0 },
    fields: [
      {
        code: 'CT-LTHH',
        name: 'Lưu thông hàng hóa trong nước',
        province: [
          'Cấp giấy phép bán buôn sản phẩm thuốc lá',
          'Cấp giấy phép bán buôn rượu trên địa bàn tỉnh',
          'Cấp giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu',
          'Cấp giấy xác nhận đủ điều kiện làm tổng đại lý kinh doanh xăng dầu',
          'Cấp giấy phép sản xuất rượu công nghiệp có quy mô dưới 3 triệu lít/năm',
        ],
        district: [
          'Cấp giấy phép bán lẻ rượu',
          'Cấp giấy phép bán lẻ sản phẩm thuốc lá',
          'Cấp giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh',
        ],
      },
      {
        code: 'CT-DIEN',
        name: 'Điện',
        province: [
          'Cấp giấy phép hoạt động phát điện đối với nhà máy điện có quy mô dưới 3MW',
          'Cấp giấy phép hoạt động bán lẻ điện đến cấp điện áp 0,4kV',
          'Cấp giấy phép hoạt động phân phối điện đến cấp điện áp 35kV',
          'Cấp thẻ kiểm tra viên điện lực',
        ],
      },
      {
        code: 'CT-KHI',
        name: 'Kinh doanh khí',
        province: [
          'Cấp giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán khí',
          'Cấp giấy chứng nhận đủ điều kiện trạm nạp LPG vào chai',
        ],
        district: ['Cấp giấy chứng nhận đủ điều kiện cửa hàng bán LPG chai'],
      },
      {
        code: 'CT-HC',
        name: 'Hóa chất',
        province: [
          'Cấp giấy chứng nhận đủ điều kiện sản xuất hóa chất sản xuất, kinh doanh có điều kiện',
          'Cấp giấy chứng nhận đủ điều kiện kinh doanh hóa chất sản xuất, kinh doanh có điều kiện',
          'Xác nhận biện pháp phòng ngừa, ứng phó sự cố hóa chất',
        ],
      },
      {
        code: 'CT-XTTM',
        name: 'Xúc tiến thương mại',
        province: [
          'Đăng ký thực hiện khuyến mại theo hình thức mang tính may rủi',
          'Đăng ký tổ chức hội chợ, triển lãm thương mại tại Việt Nam',
          'Đăng ký hoạt động bán hàng đa cấp tại địa phương',
          'Thông báo thực hiện khuyến mại',
        ],
      },
      {
        code: 'CT-VLNCN',
        name: 'Vật liệu nổ công nghiệp',
        province: ['Cấp giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp', 'Cấp giấy phép sử dụng vật liệu nổ công nghiệp'],
      },
      {
        code: 'CT-TMQT',
        name: 'Thương mại quốc tế',
        province: [
          'Cấp giấy phép thành lập văn phòng đại diện của thương nhân nước ngoài tại Việt Nam',
          'Cấp giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài',
          'Cấp giấy phép lập cơ sở bán lẻ',
        ],
      },
      {
        code: 'CT-CNDP',
        name: 'Công nghiệp địa phương',
        district: ['Xét chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp huyện', 'Hỗ trợ kinh phí khuyến công địa phương'],
      },
    ],
  },
  {
    keys: ['nong-nghiep'],
    weights: { province: 120, district: 25, commune: 10 },
    fields: [
      {
        code: 'NN-TT',
        name: 'Trồng trọt',
        province: [
          'Cấp giấy chứng nhận đủ điều kiện buôn bán phân bón',
          'Cấp giấy chứng nhận đủ điều kiện sản xuất phân bón',
          'Cấp giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật',
          'Cấp giấy chứng nhận kiểm dịch thực vật nội địa',
          'Công nhận cây đầu dòng, vườn cây đầu dòng',
        ],
        district: ['Chuyển đổi cơ cấu cây trồng trên đất trồng lúa'],
        commune: ['Đăng ký chuyển đổi cơ cấu cây trồng trên đất trồng lúa'],
      },
      {
        code: 'NN-TY',
        name: 'Thú y',
        province: [
          'Cấp giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp tỉnh',
          'Cấp giấy chứng nhận điều kiện vệ sinh thú y',
          'Cấp chứng chỉ hành nghề thú y',
          'Cấp giấy chứng nhận cơ sở an toàn dịch bệnh động vật',
          'Cấp giấy chứng nhận đủ điều kiện buôn bán thuốc thú y',
        ],
      },
      {
        code: 'NN-TS',
        name: 'Thủy sản',
        province: [
          'Cấp giấy phép khai thác thủy sản',
          'Đăng ký tàu cá',
          'Cấp văn bản chấp thuận đóng mới, cải hoán tàu cá',
          'Xóa đăng ký tàu cá',
          'Cấp giấy xác nhận đăng ký nuôi trồng thủy sản lồng bè',
          'Cấp giấy chứng nhận cơ sở đủ điều kiện sản xuất, ương dưỡng giống thủy sản',
        ],
        district: ['Công nhận và giao quyền quản lý cho tổ chức cộng đồng trong bảo vệ nguồn lợi thủy sản'],
      },
      {
        code: 'NN-LN',
        name: 'Lâm nghiệp',
        province: [
          'Phê duyệt phương án quản lý rừng bền vững của chủ rừng là tổ chức',
          'Xác nhận bảng kê lâm sản',
          'Cấp giấy phép vận chuyển đặc biệt thực vật rừng, động vật rừng',
        ],
        district: ['Phê duyệt phương án trồng rừng thay thế', 'Giao rừng, cho thuê rừng đối với hộ gia đình, cá nhân'],
        commune: ['Xác nhận bảng kê lâm sản có nguồn gốc từ rừng trồng của hộ gia đình'],
      },
      {
        code: 'NN-TL',
        name: 'Thủy lợi',
        province: [
          'Cấp giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi',
          'Phê duyệt phương án ứng phó thiên tai cho công trình vùng hạ du đập',
        ],
        district: ['Phê duyệt phương án bảo vệ đập, hồ chứa nước nhỏ'],
      },
      {
        code: 'NN-PTNT',
        name: 'Phát triển nông thôn',
        province: ['Công nhận xã đạt chuẩn nông thôn mới', 'Công nhận làng nghề truyền thống'],
        district: ['Công nhận thôn, bản đạt chuẩn nông thôn mới'],
        commune: ['Đề nghị công nhận sản phẩm OCOP của chủ thể tại xã'],
      },
    ],
  },
  {
    keys: ['van-hoa', 'du-lich'],
    weights: { province: 125, district: 15, commune: 15 },
    fields: [
      {
        code: 'VH-VH',
        name: 'Văn hóa',
        province: [
          'Cấp giấy phép phổ biến phim',
          'Cấp giấy phép tổ chức biểu diễn nghệ thuật',
          'Cấp giấy phép kinh doanh dịch vụ vũ trường',
          'Cấp giấy phép xây dựng tượng đài, tranh hoành tráng',
          'Cấp giấy phép triển lãm mỹ thuật',
          'Cấp phép nhập khẩu văn hóa phẩm không nhằm mục đích kinh doanh',
          'Cấp giấy chứng nhận hành nghề mua bán di vật, cổ vật',
        ],
        district: ['Cấp giấy phép kinh doanh karaoke', 'Công nhận lần đầu danh hiệu Tổ dân phố văn hóa', 'Thông báo tổ chức lễ hội cấp huyện'],
        commune: [
          'Công nhận danh hiệu Gia đình văn hóa',
          'Thông báo tổ chức lễ hội',
          'Đăng ký hoạt động thư viện tư nhân có phục vụ cộng đồng',
          'Công nhận lần đầu danh hiệu Thôn văn hóa',
        ],
      },
      {
        code: 'VH-DL',
        name: 'Du lịch',
        province: [
          'Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa',
          'Cấp thẻ hướng dẫn viên du lịch nội địa',
          'Cấp thẻ hướng dẫn viên du lịch tại điểm',
          'Công nhận hạng cơ sở lưu trú du lịch 1 sao, 2 sao',
          'Công nhận điểm du lịch',
        ],
      },
      {
        code: 'VH-TDTT',
        name: 'Thể dục thể thao',
        province: [
          'Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao đối với môn bơi, lặn',
          'Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao đối với môn võ cổ truyền',
          'Đăng cai tổ chức giải thi đấu vô địch từng môn thể thao của tỉnh',
        ],
        commune: ['Công nhận câu lạc bộ thể thao cơ sở'],
      },
      {
        code: 'VH-GD',
        name: 'Gia đình',
        province: [
          'Cấp giấy chứng nhận đăng ký hoạt động của cơ sở tư vấn về phòng, chống bạo lực gia đình',
          'Cấp giấy chứng nhận nghiệp vụ chăm sóc nạn nhân bạo lực gia đình',
        ],
      },
    ],
  },
  {
    keys: ['thong-tin-va-truyen-thong'],
    weights: { province: 45, district: 3, commune: 0 },
    fields: [
      {
        code: 'TT-BC',
        name: 'Báo chí',
        province: [
          'Cho phép họp báo',
          'Cấp giấy phép xuất bản bản tin',
          'Chấp thuận thay đổi nội dung ghi trong giấy phép xuất bản bản tin',
          'Trưng bày tranh, ảnh và các hình thức thông tin khác bên ngoài trụ sở cơ quan đại diện nước ngoài',
        ],
      },
      {
        code: 'TT-XBIPH',
        name: 'Xuất bản, in và phát hành',
        province: [
          'Cấp giấy phép hoạt động in',
          'Đăng ký hoạt động cơ sở in',
          'Cấp giấy phép xuất bản tài liệu không kinh doanh',
          'Cấp giấy phép nhập khẩu xuất bản phẩm không kinh doanh',
          'Cấp giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm',
        ],
      },
      {
        code: 'TT-PTTHTTDT',
        name: 'Phát thanh, truyền hình và thông tin điện tử',
        province: [
          'Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp',
          'Cấp giấy chứng nhận đăng ký cung cấp trò chơi điện tử G1 trên mạng',
          'Cấp giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng',
        ],
        district: ['Cấp giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng trên địa bàn huyện'],
      },
      {
        code: 'TT-BCVT',
        name: 'Bưu chính',
        province: ['Cấp giấy phép bưu chính', 'Xác nhận thông báo hoạt động bưu chính'],
      },
    ],
  },
  {
    keys: ['khoa-hoc'],
    weights: { province: 60, district: 0, commune: 0 },
    fields: [
      {
        code: 'KC-HDKHCN',
        name: 'Hoạt động khoa học và công nghệ',
        province: [
          'Đăng ký hoạt động khoa học và công nghệ',
          'Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách nhà nước',
          'Cấp giấy chứng nhận doanh nghiệp khoa học và công nghệ',
          'Đăng ký thông tin kết quả nghiên cứu khoa học',
          'Công nhận sáng kiến cấp tỉnh',
        ],
      },
      {
        code: 'KC-TDC',
        name: 'Tiêu chuẩn, đo lường, chất lượng',
        province: [
          'Đăng ký công bố hợp chuẩn dựa trên kết quả tự đánh giá',
          'Đăng ký công bố hợp quy đối với sản phẩm, hàng hóa nhóm 2',
          'Chứng nhận chuẩn đo lường để kiểm định phương tiện đo',
          'Kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu',
        ],
      },
      {
        code: 'KC-ATBXHN',
        name: 'An toàn bức xạ và hạt nhân',
        province: [
          'Cấp giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán trong y tế',
          'Cấp chứng chỉ nhân viên bức xạ cho người phụ trách an toàn cơ sở X-quang chẩn đoán',
          'Khai báo thiết bị X-quang chẩn đoán trong y tế',
        ],
      },
    ],
  },
  {
    keys: ['tai-chinh'],
    weights: { province: 40, district: 8, commune: 0 },
    fields: [
      {
        code: 'TC-QLCS',
        name: 'Quản lý công sản',
        province: [
          'Quyết định giao tài sản nhà nước cho cơ quan, đơn vị',
          'Quyết định thanh lý tài sản công',
          'Quyết định bán tài sản công',
          'Quyết định điều chuyển tài sản công',
          'Xác lập quyền sở hữu toàn dân đối với tài sản',
        ],
        district: ['Xác lập quyền sở hữu toàn dân đối với tài sản do tổ chức, cá nhân tự nguyện chuyển giao'],
      },
      {
        code: 'TC-QLG',
        name: 'Quản lý giá',
        province: ['Đăng ký giá của doanh nghiệp thuộc phạm vi Sở Tài chính', 'Kê khai giá của doanh nghiệp', 'Hiệp thương giá'],
      },
      {
        code: 'TC-NSNN',
        name: 'Ngân sách nhà nước',
        province: ['Cấp mã số đơn vị có quan hệ với ngân sách', 'Thẩm tra quyết toán vốn đầu tư dự án hoàn thành'],
        district: ['Thẩm tra quyết toán vốn đầu tư dự án hoàn thành thuộc ngân sách cấp huyện'],
      },
    ],
  },
  {
    keys: ['noi-vu'],
    weights: { province: 80, district: 30, commune: 15 },
    fields: [
      {
        code: 'NV-TCPCP',
        name: 'Tổ chức phi chính phủ',
        province: [
          'Công nhận ban vận động thành lập hội',
          'Thành lập hội',
          'Phê duyệt điều lệ hội',
          'Chia, tách; sáp nhập; hợp nhất hội',
          'Đổi tên hội',
          'Hội tự giải thể',
        ],
      },
      {
        code: 'NV-QXHQTT',
        name: 'Quỹ xã hội, quỹ từ thiện',
        province: [
          'Cấp giấy phép thành lập và công nhận điều lệ quỹ',
          'Công nhận quỹ đủ điều kiện hoạt động',
          'Thay đổi giấy phép thành lập và công nhận điều lệ quỹ',
          'Hợp nhất, sáp nhập, chia, tách quỹ',
        ],
      },
      {
        code: 'NV-TNTG',
        name: 'Tín ngưỡng, tôn giáo',
        province: [
          'Đề nghị sinh hoạt tôn giáo tập trung',
          'Đăng ký người được phong phẩm hoặc suy cử làm chức sắc',
          'Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo',
          'Đăng ký sửa đổi hiến chương của tổ chức tôn giáo',
        ],
        district: ['Đăng ký thay đổi người đại diện của nhóm sinh hoạt tôn giáo tập trung', 'Thông báo tổ chức quyên góp ngoài phạm vi một xã'],
        commune: ['Đăng ký hoạt động tín ngưỡng', 'Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động tôn giáo ở một xã'],
      },
      {
        code: 'NV-TDKT',
        name: 'Thi đua, khen thưởng',
        liaison: true,
        province: [
          'Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh',
          'Tặng danh hiệu Chiến sĩ thi đua cấp tỉnh',
          'Tặng Cờ thi đua của Ủy ban nhân dân tỉnh',
          'Khen thưởng theo đợt, chuyên đề cấp tỉnh',
        ],
        district: ['Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện', 'Tặng danh hiệu Lao động tiên tiến'],
        commune: ['Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã', 'Khen thưởng cho gia đình'],
      },
      {
        code: 'NV-VTLT',
        name: 'Văn thư, lưu trữ',
        province: [
          'Phục vụ việc sử dụng tài liệu của độc giả tại phòng đọc',
          'Cấp bản sao và chứng thực tài liệu lưu trữ',
          'Cấp chứng chỉ hành nghề lưu trữ',
        ],
      },
      {
        code: 'NV-CCVC',
        name: 'Công chức, viên chức',
        province: ['Thi tuyển công chức', 'Xét tuyển viên chức', 'Thăng hạng chức danh nghề nghiệp viên chức', 'Tiếp nhận vào làm công chức'],
        district: ['Xét tuyển công chức cấp xã', 'Tiếp nhận vào làm viên chức sự nghiệp giáo dục cấp huyện'],
      },
      {
        code: 'NV-CQDP',
        name: 'Chính quyền địa phương',
        district: ['Thành lập thôn mới, tổ dân phố mới', 'Ghép thôn, tổ dân phố'],
      },
    ],
  },
  {
    keys: ['thanh-tra'],
    weights: { province: 8, district: 6, commune: 6 },
    fields: [
      {
        code: 'TTR-KN',
        name: 'Giải quyết khiếu nại',
        province: ['Giải quyết khiếu nại lần đầu tại cấp tỉnh', 'Giải quyết khiếu nại lần hai tại cấp tỉnh'],
        district: ['Giải quyết khiếu nại lần đầu tại cấp huyện', 'Giải quyết khiếu nại lần hai tại cấp huyện'],
        commune: ['Giải quyết khiếu nại lần đầu tại cấp xã'],
      },
      {
        code: 'TTR-TC',
        name: 'Giải quyết tố cáo',
        province: ['Giải quyết tố cáo tại cấp tỉnh'],
        district: ['Giải quyết tố cáo tại cấp huyện'],
        commune: ['Giải quyết tố cáo tại cấp xã'],
      },
      {
        code: 'TTR-TCD',
        name: 'Tiếp công dân',
        province: ['Tiếp công dân tại cấp tỉnh'],
        district: ['Tiếp công dân tại cấp huyện'],
        commune: ['Tiếp công dân tại cấp xã'],
      },
      {
        code: 'TTR-PCTN',
        name: 'Phòng, chống tham nhũng',
        province: ['Kê khai tài sản, thu nhập', 'Xác minh tài sản, thu nhập'],
      },
    ],
  },
  {
    keys: ['van-phong-ubnd', 'van-phong-uy-ban-nhan-dan'],
    weights: { province: 4, district: 0, commune: 0 },
    fields: [
      {
        code: 'VP-KSTTHC',
        name: 'Kiểm soát thủ tục hành chính',
        province: ['Tiếp nhận phản ánh, kiến nghị về quy định hành chính', 'Xử lý phản ánh, kiến nghị về thủ tục hành chính'],
      },
    ],
  },
  {
    keys: ['dan-toc'],
    weights: { province: 3, district: 0, commune: 0 },
    fields: [
      {
        code: 'DT-CTDT',
        name: 'Công tác dân tộc',
        province: [
          'Công nhận người có uy tín trong đồng bào dân tộc thiểu số',
          'Đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số',
          'Xét hỗ trợ học sinh, sinh viên dân tộc thiểu số rất ít người',
        ],
      },
    ],
  },
  {
    keys: ['ngoai-vu'],
    weights: { province: 5, district: 0, commune: 0 },
    fields: [
      {
        code: 'NGV-HTQT',
        name: 'Hợp tác quốc tế',
        province: [
          'Cho phép tổ chức hội nghị, hội thảo quốc tế thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân tỉnh',
          'Cho phép sử dụng thẻ đi lại của doanh nhân APEC',
          'Tiếp nhận đoàn nước ngoài vào làm việc tại tỉnh',
        ],
      },
      {
        code: 'NGV-LS',
        name: 'Công tác lãnh sự',
        province: ['Xin phép xuất cảnh đi nước ngoài của cán bộ, công chức', 'Xác nhận lãnh sự giấy tờ'],
      },
    ],
  },
  {
    keys: ['khu-kinh-te', 'khu-cong-nghiep'],
    weights: { province: 50, district: 0, commune: 0 },
    fields: [
      {
        code: 'KKT-DT',
        name: 'Đầu tư tại khu kinh tế, khu công nghiệp',
        province: [
          'Cấp giấy chứng nhận đăng ký đầu tư đối với dự án trong khu kinh tế',
          'Điều chỉnh giấy chứng nhận đăng ký đầu tư trong khu kinh tế',
          'Chấp thuận chủ trương đầu tư dự án trong khu công nghiệp',
          'Chấm dứt hoạt động dự án đầu tư trong khu kinh tế',
        ],
      },
      {
        code: 'KKT-LD',
        name: 'Lao động tại khu kinh tế, khu công nghiệp',
        province: [
          'Cấp giấy phép lao động cho người nước ngoài làm việc trong khu công nghiệp',
          'Đăng ký nội quy lao động của doanh nghiệp trong khu công nghiệp',
          'Đăng ký thỏa ước lao động tập thể',
        ],
      },
      {
        code: 'KKT-XD',
        name: 'Xây dựng tại khu kinh tế, khu công nghiệp',
        province: ['Cấp giấy phép xây dựng công trình trong khu kinh tế', 'Thẩm định thiết kế cơ sở dự án trong khu công nghiệp'],
      },
      {
        code: 'KKT-TM',
        name: 'Thương mại tại khu kinh tế, khu công nghiệp',
        province: ['Cấp giấy chứng nhận xuất xứ hàng hóa ưu đãi', 'Xác nhận hợp đồng mua bán hàng hóa trong khu phi thuế quan'],
      },
    ],
  },
  {
    keys: ['hdnd', 'dbqh', 'hoi-dong-nhan-dan'],
    weights: { province: 1, district: 0, commune: 0 },
    fields: [
      {
        code: 'HDND-XLD',
        name: 'Tiếp công dân và xử lý đơn',
        province: ['Tiếp nhận, xử lý đơn gửi đại biểu Quốc hội, đại biểu Hội đồng nhân dân tỉnh'],
      },
    ],
  },
];

/** A sector for a department no entry of SECTORS names: one field named after the department, generic procedures. */
function fallbackSector(department: MemberConfig): Sector {
  const subject = department.name.replace(/^(Sở|Ban|Văn phòng|Cục|Chi cục|Trung tâm)\s+/u, '').trim() || department.name;
  const lower = subject.charAt(0).toLocaleLowerCase('vi') + subject.slice(1);
  // The department's code keeps the field code unique even when two departments share a name's first words.
  const code = `LV-${vietnameseSlug(subject).slice(0, 40).replace(/-+$/, '')}-${department.code.split('.')[2]}`;
  return {
    keys: [],
    weights: { province: DEFAULT_PROVINCE_WEIGHT, district: 0, commune: 0 },
    fields: [
      {
        code,
        name: subject,
        province: [
          `Cấp giấy phép hoạt động trong lĩnh vực ${lower}`,
          `Cấp giấy chứng nhận đủ điều kiện hoạt động trong lĩnh vực ${lower}`,
          `Đăng ký hoạt động trong lĩnh vực ${lower}`,
          `Thẩm định hồ sơ đề nghị thuộc lĩnh vực ${lower}`,
          `Công nhận kết quả hoạt động trong lĩnh vực ${lower}`,
          `Giải quyết kiến nghị trong lĩnh vực ${lower}`,
        ],
      },
    ],
  };
}

function sectorOfDepartment(department: MemberConfig): Sector {
  // Whole slugged words only, so that `y-te` does not match inside another word's letters.
  const words = `-${vietnameseSlug(department.name)}-`;
  return SECTORS.find((sector) => sector.keys.some((key) => words.includes(`-${key}-`))) ?? fallbackSector(department);
}

// ---------------------------------------------------------------------------------------------------------------
// Names: a handful written out per field, then variants, so that every name in the catalog stays distinct.

const LICENCE = /^Cấp (giấy phép|giấy chứng nhận|giấy xác nhận|chứng chỉ|thẻ|phù hiệu|sổ) /u;
/** For licences: what an authority does with one it issued before. */
const LICENCE_VARIANTS: readonly ((rest: string) => string)[] = [
  (rest) => `Cấp lại ${rest}`,
  (rest) => `Điều chỉnh ${rest}`,
  (rest) => `Gia hạn ${rest}`,
  (rest) => `Cấp đổi ${rest}`,
];
const SUFFIX_VARIANTS: readonly string[] = ['(cấp lại)', '(điều chỉnh)', '(bổ sung)', '(đối với tổ chức)', '(đối với cá nhân)'];

/** The `variant`-th name derived from `base` (0 is the base itself); the sequence never runs out. */
function variantName(base: string, variant: number): string {
  if (variant === 0) return base;
  const licence = LICENCE.test(base);
  const own = licence ? LICENCE_VARIANTS.length : 0;
  if (variant <= own) return LICENCE_VARIANTS[variant - 1]!(base.slice('Cấp '.length));
  const suffix = variant - own - 1;
  // A licence has its own words for "again" and "changed", so it skips the two suffixes that say the same.
  const suffixes = licence ? SUFFIX_VARIANTS.slice(2) : SUFFIX_VARIANTS;
  if (suffix < suffixes.length) return `${base} ${suffixes[suffix]}`;
  return `${base} (trường hợp ${suffix - suffixes.length + 2})`;
}

interface NamedProcedure {
  field: ProcedureField;
  name: string;
  liaison: boolean;
}

/** Hands out names unique across the whole catalog, in a seeded order of each group's base names. */
class NamePool {
  private readonly used = new Set<string>();

  take(fields: readonly FieldSpec[], tier: ProcedureTier, count: number, random: () => number): NamedProcedure[] {
    const bases = shuffled(
      fields.flatMap((field) => (field[tier] ?? []).map((name) => ({ field: { code: field.code, name: field.name }, name, liaison: field.liaison === true }))),
      random,
    );
    const taken: NamedProcedure[] = [];
    if (bases.length === 0) return taken;
    // Variant-major, so that every base name is used once before any of them gets a variant.
    for (let variant = 0; taken.length < count; variant++) {
      for (const base of bases) {
        if (taken.length === count) break;
        const name = variantName(base.name, variant);
        if (this.used.has(name)) continue;
        this.used.add(name);
        taken.push({ ...base, name });
      }
    }
    return taken;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Time limits and step plans.

interface Draft {
  name: string;
  field: ProcedureField;
  tier: ProcedureTier;
  processingDays: number;
  dayKind: DayKind;
  receivers: ProcedureReceivers;
  steps: ProcedureStep[];
}

/** [days, weight]: mostly 1–20 days, communes faster than the province, a few long land and investment cases. */
const PROCESSING_DAYS: Readonly<Record<ProcedureTier, readonly (readonly [number, number])[]>> = {
  province: [[1, 3], [2, 3], [3, 8], [5, 14], [7, 12], [10, 15], [12, 6], [15, 14], [20, 12], [25, 4], [30, 6], [45, 3]],
  district: [[1, 3], [2, 3], [3, 10], [5, 15], [7, 12], [10, 14], [12, 5], [15, 12], [20, 10], [30, 4]],
  commune: [[1, 15], [2, 10], [3, 15], [5, 15], [7, 8], [10, 8], [15, 4], [20, 2]],
};
/** About one procedure in ten counts its time limit in calendar days. */
const CALENDAR_SHARE = 0.1;

function timeLimit(tier: ProcedureTier, random: () => number): { processingDays: number; dayKind: DayKind } {
  return { processingDays: weighted(PROCESSING_DAYS[tier], random), dayKind: random() < CALENDAR_SHARE ? 'calendar' : 'working' };
}

type Middle = Omit<ProcedureStep, 'days'> & { share: number };

/**
 * Reception and hand-back around the middle steps. Reception takes a day of a long time limit now and then, and
 * hand-back is mostly the day the result arrives (0 days). Null when the days cannot give each middle step one.
 */
function plan(processingDays: number, middle: readonly Middle[], random: () => number, receiveDays?: number): ProcedureStep[] | null {
  const receive = receiveDays ?? (processingDays >= 10 && random() < 0.5 ? 1 : 0);
  const handBack = processingDays >= 5 && random() < 0.3 ? 1 : 0;
  const days = split(processingDays - receive - handBack, middle.map((step) => step.share));
  if (days === null) return null;
  return [
    { name: 'Tiếp nhận hồ sơ', handler: 'receiver', days: receive },
    ...middle.map((step, index) => ({ name: step.name, handler: step.handler, days: days[index]! })),
    { name: 'Trả kết quả', handler: 'receiver', days: handBack },
  ];
}

function provinceSteps(processingDays: number, others: readonly MemberConfig[], province: MemberConfig, random: () => number): ProcedureStep[] {
  const roll = random();
  if (roll < 0.15 && others.length > 0) {
    const other = others[Math.floor(random() * others.length)]!;
    const steps = plan(
      processingDays,
      [
        { name: 'Thẩm định hồ sơ', handler: 'receiver', share: 0.5 },
        { name: `Lấy ý kiến ${other.name}`, handler: { agency: other.code }, share: 0.3 },
        { name: 'Quyết định, ký kết quả', handler: 'receiver', share: 0.2 },
      ],
      random,
    );
    if (steps) return steps;
  } else if (roll < 0.35) {
    const steps = plan(
      processingDays,
      [
        { name: `Thẩm định, trình ${province.name}`, handler: 'receiver', share: 0.6 },
        { name: `Phê duyệt (${province.name})`, handler: { agency: province.code }, share: 0.4 },
      ],
      random,
    );
    if (steps) return steps;
  }
  return plan(processingDays, [{ name: 'Thẩm định hồ sơ, giải quyết', handler: 'receiver', share: 1 }], random)!;
}

function districtSteps(processingDays: number, viaCommunes: boolean, department: MemberConfig | undefined, random: () => number): ProcedureStep[] {
  if (viaCommunes) {
    // A commune checks the papers and forwards them within a day; received at the district, the rows merge.
    const receive = processingDays >= 3 && random() < 0.7 ? 1 : 0;
    return plan(processingDays, [{ name: 'Thẩm định, quyết định', handler: 'district', share: 1 }], random, receive)!;
  }
  if (department && random() < 0.12) {
    const steps = plan(
      processingDays,
      [
        { name: 'Thẩm định hồ sơ', handler: 'district', share: 0.5 },
        { name: `Lấy ý kiến ${department.name}`, handler: { agency: department.code }, share: 0.3 },
        { name: 'Quyết định, ký kết quả', handler: 'district', share: 0.2 },
      ],
      random,
    );
    if (steps) return steps;
  }
  return plan(processingDays, [{ name: 'Thẩm định hồ sơ, giải quyết', handler: 'district', share: 1 }], random)!;
}

function communeSteps(processingDays: number, random: () => number): ProcedureStep[] {
  if (random() < 0.15) {
    const steps = plan(
      processingDays,
      [
        { name: 'Thẩm định, trình Ủy ban nhân dân cấp huyện', handler: 'receiver', share: 0.4 },
        { name: 'Phê duyệt (Ủy ban nhân dân cấp huyện)', handler: 'district', share: 0.6 },
      ],
      random,
    );
    if (steps) return steps;
  }
  return plan(processingDays, [{ name: 'Giải quyết', handler: 'receiver', share: 1 }], random)!;
}

/** Whole days by share, at least one each, adding up to `total`; null when there are fewer days than steps. */
function split(total: number, shares: readonly number[]): number[] | null {
  if (total < shares.length) return null;
  const parts = shares.map((share) => Math.max(1, Math.floor(total * share)));
  let excess = parts.reduce((sum, part) => sum + part, 0) - total;
  // Rounding down leaves days over: they go to the first step, the one that examines the case.
  if (excess < 0) parts[0]! -= excess;
  // Rounding a step up to one day can overshoot; take the surplus back from the longest step.
  while (excess > 0) {
    const longest = parts.indexOf(Math.max(...parts));
    parts[longest]! -= 1;
    excess -= 1;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// Codes and service levels.

/** Distinct six-digit national numbers, rising by small random steps, then dealt out in a shuffled order. */
function procedureNumbers(count: number, random: () => number): string[] {
  const numbers: string[] = [];
  for (let number = 0, index = 0; index < count; index++) {
    number += 1 + Math.floor(random() * 8);
    numbers.push(String(number).padStart(6, '0'));
  }
  return shuffled(numbers, random);
}

/** Exactly the seed reports' numbers of each level, dealt out at random. */
function serviceLevels(count: number, random: () => number): { level: ServiceLevel; onlineMode: OnlineMode }[] {
  const levelTwo = count - LEVEL_4_COUNT - LEVEL_3_COUNT - LEVEL_1_COUNT;
  if (levelTwo < 0) throw new Error(`The demo catalog has ${count} procedures, fewer than its service-level counts add up to.`);
  const of = (level: ServiceLevel, times: number, onlineMode: OnlineMode = onlineModeOfLevel(level)) =>
    Array.from({ length: times }, () => ({ level, onlineMode }));
  return shuffled(
    [
      ...of(4, LEVEL_4_COUNT - RECLASSIFIED_COUNT),
      ...of(4, RECLASSIFIED_COUNT, 'mot-phan'),
      ...of(3, LEVEL_3_COUNT),
      ...of(2, levelTwo),
      ...of(1, LEVEL_1_COUNT),
    ],
    random,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

function provinceOf(registry: Registry): MemberConfig {
  const own = registry.member(registry.platform.code);
  if (own?.kind === 'province') return own;
  const provinces = registry.members().filter((member) => member.kind === 'province');
  if (provinces.length !== 1) {
    throw new Error(
      `The demo catalog is published by the platform's province, but the registry of ${registry.platform.code} has ${provinces.length === 0 ? 'no province member' : `${provinces.length} province members and none is the platform's own code`}.`,
    );
  }
  return provinces[0]!;
}

/**
 * Splits `total` in proportion to `weights` (largest remainders, ties to the earlier entry), after giving every
 * entry with a positive weight `minimum` first; the parts always add up to `total`.
 */
function apportion(total: number, weights: readonly number[], minimum = 0): number[] {
  const eligible = weights.map((weight) => weight > 0);
  const floor = eligible.map((yes) => (yes ? minimum : 0));
  const rest = total - floor.reduce((sum, part) => sum + part, 0);
  const sum = weights.reduce((acc, weight) => acc + Math.max(0, weight), 0);
  if (rest < 0 || (sum === 0 && total > 0)) {
    throw new Error(`Cannot share ${total} demo procedures among ${weights.filter((weight) => weight > 0).length} groups.`);
  }
  const exact = weights.map((weight) => (sum === 0 ? 0 : (rest * Math.max(0, weight)) / sum));
  const parts = exact.map((value, index) => floor[index]! + Math.floor(value));
  let left = total - parts.reduce((acc, part) => acc + part, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left === 0) break;
    if (!eligible[index]) continue;
    parts[index]! += 1;
    left -= 1;
  }
  return parts;
}

function weighted<T>(table: readonly (readonly [T, number])[], random: () => number): T {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return table[table.length - 1]![0];
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other]!, result[index]!];
  }
  return result;
}

/**
 * A reproducible stream of numbers in [0, 1) for one part of the catalog: a Weyl sequence scrambled by a 32-bit
 * avalanche mix, started from a hash of the seed and the part's label. Each part having its own stream keeps a
 * change to one part (a new field, another department) from reshuffling the rest.
 */
function seededRandom(seed: string, label: string): () => number {
  let state = createHash('sha256').update(`${seed}\u0000${label}`).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    return ((mixed ^ (mixed >>> 16)) >>> 0) / 4294967296;
  };
}
