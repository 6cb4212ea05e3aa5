//! The Korean of the scenario template's comments and free text.

/// The Korean of every comment (and free text) in the template. Keys,
/// ids and line names stay as they are: they are what `--set` paths and
/// scenarios/README.md name.
pub(super) const KOREAN: &[(&str, &str)] = &[
    (
        "# A fundgap scenario. Edit the numbers, then:",
        "# fundgap 시나리오. 숫자를 고친 뒤:",
    ),
    ("# validate and describe", "# 검증하고 내용 확인"),
    (
        "# simulate; results in output/<file name>/",
        "# 시뮬레이션; 결과는 output/<파일 이름>/",
    ),
    (
        "# Every key is documented in scenarios/README.md. Money is in one currency
# and unit (here million KRW: 1억 = 100). A number can be replaced by a
# distribution: { dist = \"pert\", min = 1, mode = 2, max = 4 }, also
# \"uniform\" {min,max}, \"triangular\" {min,mode,max}, \"normal\" {mean,sd} and
# \"lognormal\" {mean,sd} (of the value itself). Such a quantity is drawn once
# per trial; `volatility` adds year-to-year noise.",
        "# 모든 키는 scenarios/README.md에 설명되어 있습니다. 금액은 한 통화와 단위로
# 씁니다 (여기서는 백만 원: 1억 원 = 100). 숫자 대신 분포를 쓸 수 있습니다:
# { dist = \"pert\", min = 1, mode = 2, max = 4 }, 그 밖에 \"uniform\" {min,max},
# \"triangular\" {min,mode,max}, \"normal\" {mean,sd}, \"lognormal\" {mean,sd}가
# 있습니다(값 자체의 평균과 표준편차). 이런 값은 시행마다 한 번 뽑고,
# `volatility`는 해마다의 변동을 더합니다.",
    ),
    (
        "# shown in tables and charts",
        "# 표와 차트에 표시되는 이름",
    ),
    (
        "# the city's reserve fund these services may draw on, a year",
        "# 이 서비스들이 쓸 수 있는 예비비(연간 한도)",
    ),
    (
        "# a dear year tends to be followed by another",
        "# 물가가 높은 해 다음 해도 높은 경향",
    ),
    (
        "# published rates replace the draws",
        "# 공표된 물가상승률이 무작위 값을 대신함",
    ),
    (
        "# a wage index for each service's labour_share",
        "# 서비스별 labour_share가 따르는 임금 지수",
    ),
    (
        "# the operator's investment, recovered over the contract",
        "# 운영사 투자비, 계약 기간에 걸쳐 회수",
    ),
    (
        "# share of the unrecovered part the city pays if it leaves",
        "# 운영사 이탈 시 시가 지급하는 미회수 투자비 비율(해지시지급금)",
    ),
    (
        "# then the city runs it (\"stop\": it closes)",
        "# 이후 시가 직접 운영(\"stop\": 중단)",
    ),
    (
        "# share of operating cost that is staff, following wage_growth",
        "# 운영비 중 인건비 비중(wage_growth를 따름)",
    ),
    ("# first simulated year", "# 시뮬레이션 첫해"),
    (
        "# how many years to simulate (1-200)",
        "# 시뮬레이션 기간(년, 1-200)",
    ),
    (
        "# per year, for NPVs (KDI: 4.5% real)",
        "# 연 할인율, 현재가치 계산용 (KDI: 실질 4.5%)",
    ),
    (
        "# \"real\": deflate by each trial's inflation, then discount; or \"nominal\"",
        "# \"real\": 시행별 물가상승률로 실질화한 뒤 할인; 또는 \"nominal\"(명목)",
    ),
    (
        "# A yearly shortfall counts as a gap only above this share of the year's cost
# (and above materiality_amount): supplementary budgets and reserve funds absorb
# small ones, and yearly.csv reports what they absorbed (contingency_mean) and
# the raw P(shortfall) beside P(gap). 0 makes every won short a gap.",
        "# 해마다의 부족액이 그해 비용의 이 비율(그리고 materiality_amount)을 넘을 때만
# 재원 부족으로 봅니다: 작은 부족은 추경과 예비비가 흡수하며, yearly.csv에
# 흡수된 금액(contingency_mean)과 P(gap) 옆에 원래의 부족 확률을 적습니다.
# 0이면 1원이라도 모자라면 부족입니다.",
    ),
    ("# Monte Carlo trials", "# 몬테카를로 시행 횟수"),
    ("# same seed, same results", "# 같은 시드면 같은 결과"),
    (
        "# Where the numbers come from: a table or a distribution says
# `source = \"KEY\"` (a key below) or `assumption = \"the reason\"`; `check`
# warns about every uncertain input or rate that says neither.",
        "# 숫자의 출처: 표나 분포에 `source = \"KEY\"`(아래의 키) 또는
# `assumption = \"이유\"`를 적습니다. 어느 쪽도 없는 불확실한 입력이나
# 발생률은 `check`가 경고합니다.",
    ),
    (
        "assumption = \"the Bank of Korea's 2% target; a recession about one year in ten\"",
        "assumption = \"한국은행 물가안정목표 2%; 경기 침체는 약 10년에 한 번\"",
    ),
    (
        "assumption = \"officials move every ~3 years, and a hand-over costs weeks of work\"",
        "assumption = \"공무원은 약 3년마다 자리를 옮기고, 인수인계에 몇 주의 업무가 듦\"",
    ),
    (
        "# shared by all services in a trial",
        "# 한 시행의 모든 서비스가 공유",
    ),
    (
        "# cost escalation, drawn every year",
        "# 비용 상승률, 해마다 뽑음",
    ),
    (
        "# recessions that hit funding",
        "# 재원에 타격을 주는 경기 침체",
    ),
    (
        "# unique; letters, digits, - and _",
        "# 고유 id; 영문자, 숫자, -와 _",
    ),
    (
        "# public | private | mixed",
        "# public(공공) | private(민간) | mixed(혼합)",
    ),
    (
        "# who is accountable for running it",
        "# 운영을 책임지는 주체",
    ),
    (
        "# build cost, funded separately",
        "# 건설비, 별도 재원으로 조달",
    ),
    ("# first operating year", "# 운영 첫해"),
    (
        "# yearly operating cost / construction (U-City: ~0.15)",
        "# 연 운영비 / 건설비 (U-City 평가: 약 0.15)",
    ),
    (
        "# year-to-year noise of operating cost",
        "# 운영비의 해마다 변동",
    ),
    (
        "# keep unspent money in the reserve",
        "# 쓰고 남은 돈은 적립",
    ),
    (
        "# the city closes it after two years with a material gap",
        "# 중대한 부족이 2년 이어지면 시가 운영을 중단",
    ),
    (
        "# what goes on after that (0: closed, 0.5: halved)",
        "# 중단 뒤 남는 규모 (0: 폐지, 0.5: 절반)",
    ),
    (
        "# pool money with services in this special account (특별회계)",
        "# 같은 특별회계에 속한 서비스끼리 재원을 함께 씀",
    ),
    (
        "# A private operator on its own books (uncomment): its losses are not the
# city's gap; the city owes what the contract says.",
        "# 자기 회계로 운영하는 민간 사업자 (주석을 풀어 사용): 사업자의 손실은 시의
# 부족이 아니며, 시는 계약에 정한 만큼만 부담합니다.",
    ),
    (
        "# outsourced (위탁) | btl (availability payment) | bto",
        "# outsourced(위탁) | btl(임대형 민자) | bto(수익형 민자)",
    ),
    (
        "# bto: fee revenue the city guarantees (0: none)",
        "# bto: 시가 보장하는 이용료 수입 (0: 없음)",
    ),
    (
        "# the operator leaves after 3 years of material losses",
        "# 중대한 손실이 3년 이어지면 사업자 철수",
    ),
    (
        "# The city's decision when national money ends (uncomment): from the year\n\
         # after the last grant year it continues, shrinks or stops, with these chances.",
        "# 국비 지원이 끝날 때 시의 결정 (주석 해제): 마지막 국비 연도 다음 해부터\n\
         # 아래 확률로 계속, 축소 또는 중단합니다.",
    ),
    ("# chance the city stops it", "# 시가 중단할 확률"),
    (
        "# chance it shrinks to shrink_to of itself",
        "# shrink_to 규모로 축소할 확률",
    ),
    (
        "# where the chances come from (required)",
        "# 확률의 근거 (필수)",
    ),
    (
        "# the decided amount (교부결정액): at most this a year",
        "# 교부결정액: 해마다 이 금액 이내",
    ),
    (
        "# appropriated each year on last year's settled cost (drop volatility)",
        "# 매년 전년도 결산 비용으로 편성 (volatility 삭제)",
    ),
    (
        "# the city's share of that cost",
        "# 그 비용 중 시 부담 비율",
    ),
    (
        "# chance an overrun gets a supplementary budget (추경)",
        "# 초과 비용에 추경이 편성될 확률",
    ),
    ("# replacement every few years", "# 몇 년마다 장비 교체"),
    ("# or: amount = 500", "# 또는: amount = 500"),
    (
        "# charge it to a capital budget, reported apart;",
        "# 자본 예산에서 지출하고 따로 보고;",
    ),
    (
        "# then add [service.capital] with amount = ... a year",
        "# 그러면 [service.capital]에 연 amount = ... 를 추가",
    ),
    (
        "# a recurring cost in its window",
        "# 기간 중 해마다 드는 비용",
    ),
    ("# a single payment", "# 한 번 드는 비용"),
    (
        "# expertise lost when staff move on",
        "# 담당자가 바뀌며 잃는 전문성",
    ),
    ("# one-off cost of an event", "# 사건 한 번의 비용"),
    (
        "# opex is 15% higher while it lasts",
        "# 그동안 운영비 15% 증가",
    ),
    (
        "# national subsidy: ends, or is withdrawn early",
        "# 국비 보조금: 끝나거나 일찍 중단됨",
    ),
    (
        "# or: amount = 300 (per year)",
        "# 또는: amount = 300 (연간)",
    ),
    (
        "# chance a year that it stops for good",
        "# 해마다 완전히 중단될 확률",
    ),
    (
        "# a 1:1 local match from the city budget",
        "# 시 예산에서 1:1 지방비 대응",
    ),
    (
        "# cut | withdraw | clawback (paid back that year)",
        "# cut(삭감) | withdraw(중단) | clawback(그해 반환)",
    ),
    ("# local government allocation", "# 지방자치단체 예산 배정"),
    (
        "# users x price, with logistic adoption",
        "# 이용자 x 요금, 로지스틱 확산",
    ),
    (
        "# years until half the users have come",
        "# 이용자가 절반에 이르기까지 걸리는 햇수",
    ),
    (
        "# per user per year (0.001 = 1,000 KRW)",
        "# 이용자 1명당 연 요금 (0.001 = 1,000원)",
    ),
    (
        "# a private partner, who may leave",
        "# 떠날 수 있는 민간 파트너",
    ),
    (
        "# more likely to leave in a downturn",
        "# 경기 침체 때 떠날 확률이 더 높음",
    ),
    (
        "# an opening balance that absorbs gaps",
        "# 부족을 메우는 기초 적립금",
    ),
    (
        "# social/environmental benefit in money",
        "# 금전으로 환산한 사회·환경 편익",
    ),
    (
        "# Business Model Canvas (free text)",
        "# 비즈니스 모델 캔버스 (자유 기술)",
    ),
    (
        "name = \"My smart city district\"",
        "name = \"우리 스마트시티 지구\"",
    ),
    ("\"City department\"", "\"시 담당 부서\""),
    (
        "value_proposition = \"What residents get\"",
        "value_proposition = \"주민이 얻는 것\"",
    ),
    (
        "customer_segments = \"Who uses it\"",
        "customer_segments = \"이용하는 사람\"",
    ),
    (
        "key_partners = \"Who helps run it\"",
        "key_partners = \"운영을 돕는 기관\"",
    ),
    (
        "# what `fundgap evaluate` rates the plan on",
        "# `fundgap evaluate`가 계획을 평가하는 항목",
    ),
    (
        "improves_on = \"The service it replaces\"",
        "improves_on = \"대체하는 기존 서비스\"",
    ),
    (
        "improvement = \"What it does better, and by how much\"",
        "improvement = \"무엇이 얼마나 나아지는가\"",
    ),
    (
        "# none | draft | signed: who runs it",
        "# none | draft | signed: 운영 주체 협약",
    ),
    (
        "free_plan = \"How it is paid for if users see it as free\"",
        "free_plan = \"이용자가 무료로 여길 때의 재원 계획\"",
    ),
    ("# full-time posts", "# 전담 인력 (정원 기준)"),
    ("# longer than a rotation", "# 순환 전보 주기보다 길게"),
];
