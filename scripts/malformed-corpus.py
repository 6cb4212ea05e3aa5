"""Writes tests/malformed/: one scenario file per way a user can get a
scenario wrong, each starting with `# expect: CODE TEXT` — the exit code
`fundgap check` must give and a text its message must contain (the key or
what was expected), chosen here, not copied from fundgap's output.
tests/it/reliability.rs checks every file. Run from anywhere:
    python3 scripts/malformed-corpus.py
"""
import os
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'malformed')
HEAD = '[scenario]\nname = "m"\nstart_year = 2025\nhorizon_years = 10\n'
SVC = '[[service]]\nid = "a"\nconstruction_cost = 100\nopex_ratio = 0.1\n'
FUND = '[[service.funding]]\nkind = "budget"\nname = "city"\namount = 10\n'
cases = []  # (name, text, expected exit, expected substring)
def add(name, text, sub, code=2):
    cases.append((name, text, code, sub))

# scenario table
add('scenario-missing', SVC, '`scenario`')
add('name-number', HEAD.replace('name = "m"', 'name = 5') + SVC, '`scenario.name`')
add('start-year-string', HEAD.replace('2025', '"2025"') + SVC, '`scenario.start_year`')
add('start-year-float', HEAD.replace('2025', '2025.5') + SVC, '`scenario.start_year`')
add('horizon-zero', HEAD.replace('horizon_years = 10', 'horizon_years = 0') + SVC, '`scenario.horizon_years`')
add('horizon-huge', HEAD.replace('horizon_years = 10', 'horizon_years = 100000') + SVC, '`scenario.horizon_years`')
add('horizon-negative', HEAD.replace('horizon_years = 10', 'horizon_years = -3') + SVC, '`scenario.horizon_years`')
add('discount-rate-big', HEAD + 'discount_rate = 5\n' + SVC, '`scenario.discount_rate`')
add('discount-rate-string', HEAD + 'discount_rate = "4.5%"\n' + SVC, '`scenario.discount_rate`')
add('discount-basis-typo', HEAD + 'discount_basis = "reel"\n' + SVC, '`scenario.discount_basis`')
add('prices-typo', HEAD + 'prices = "const"\n' + SVC, '`scenario.prices`')
add('prices-constant-nominal', HEAD + 'prices = "constant"\ndiscount_basis = "nominal"\n' + SVC, '`scenario.prices`')
add('trials-zero', HEAD + 'trials = 0\n' + SVC, '`scenario.trials`')
add('trials-negative', HEAD + 'trials = -5\n' + SVC, '`scenario.trials`')
add('trials-string', HEAD + 'trials = "many"\n' + SVC, '`scenario.trials`')
add('seed-negative', HEAD + 'seed = -1\n' + SVC, '`scenario.seed`')
add('materiality-share-big', HEAD + 'materiality_share = 2\n' + SVC, '`scenario.materiality_share`')
add('materiality-amount-negative', HEAD + 'materiality_amount = -1\n' + SVC, '`scenario.materiality_amount`')
add('scenario-unknown-key', HEAD + 'horizon = 5\n' + SVC, 'horizon')
add('scenario-array', '[[scenario]]\nname = "m"\n' + SVC, '`scenario`')
add('root-unknown', HEAD + SVC + '[services]\nx = 1\n', 'services')
# economy
add('inflation-big', HEAD + '[economy]\ninflation = 5\n' + SVC, '`economy.inflation`')
add('inflation-dist-typo', HEAD + '[economy]\ninflation = { dist = "normall", mean = 0.02, sd = 0.01 }\n' + SVC, '`economy.inflation.dist`')
add('downturn-prob', HEAD + '[economy]\ndownturn = { annual_probability = 1.5, mean_duration_years = 2 }\n' + SVC, 'annual_probability')
add('downturn-duration', HEAD + '[economy]\ndownturn = { annual_probability = 0.1, mean_duration_years = 0.5 }\n' + SVC, 'mean_duration_years')
add('economy-unknown', HEAD + '[economy]\ninflaton = 0.02\n' + SVC, 'inflaton')
# services
add('service-empty', 'service = []\n' + HEAD, '`service`')
add('service-table', HEAD + '[service]\nid = "a"\n', '[[service]]')
add('id-missing', HEAD + SVC.replace('id = "a"\n', ''), '`service[1].id`')
add('id-space', HEAD + SVC.replace('id = "a"', 'id = "a b"'), '`service[1].id`')
add('id-empty', HEAD + SVC.replace('id = "a"', 'id = ""'), '`service[1].id`')
add('id-portfolio', HEAD + SVC.replace('id = "a"', 'id = "portfolio"'), '`service[1].id`')
add('id-duplicate', HEAD + SVC + SVC, '`service[2].id`')
add('id-long', HEAD + SVC.replace('id = "a"', 'id = "' + 'x'*100 + '"'), 'at most 64')
add('nature-typo', HEAD + SVC + 'nature = "publik"\n', '`service[1].nature`')
add('construction-missing', HEAD + SVC.replace('construction_cost = 100\n', ''), 'construction_cost')
add('construction-negative', HEAD + SVC.replace('construction_cost = 100', 'construction_cost = -100'), 'construction_cost')
add('construction-huge', HEAD + SVC.replace('construction_cost = 100', 'construction_cost = 1e300'), 'construction_cost')
add('construction-inf', HEAD + SVC.replace('construction_cost = 100', 'construction_cost = inf'), 'construction_cost')
add('construction-nan', HEAD + SVC.replace('construction_cost = 100', 'construction_cost = nan'), 'construction_cost')
add('opex-missing', HEAD + SVC.replace('opex_ratio = 0.1\n', ''), 'opex_ratio')
add('opex-string', HEAD + SVC.replace('opex_ratio = 0.1', 'opex_ratio = "15%"'), 'opex_ratio')
add('opens-before', HEAD + SVC + 'opens = 2020\n', '`service[1].opens`')
add('opens-after', HEAD + SVC + 'opens = 2040\n', '`service[1].opens`')
add('volatility-negative', HEAD + SVC + 'volatility = -0.1\n', 'volatility')
add('carry-string', HEAD + SVC + 'carry_surplus = "yes"\n', 'carry_surplus')
add('owners-string', HEAD + SVC + 'owners = "City"\n', 'owners')
add('owners-numbers', HEAD + SVC + 'owners = [1, 2]\n', 'owners')
add('service-unknown-key', HEAD + SVC + 'opex_ration = 0.1\n', 'opex_ration')
add('grant-share-big', HEAD + SVC + 'construction_grant_share = 1.5\n', 'construction_grant_share')
add('stop-years-negative', HEAD + SVC + 'stop_after_gap_years = -1\n', 'stop_after_gap_years')
add('stop-share-big', HEAD + SVC + 'stop_below_funding_share = 2\n', 'stop_below_funding_share')
add('after-stop-big', HEAD + SVC + 'after_stop_share = 1.5\n', 'after_stop_share')
add('account-empty', HEAD + SVC + 'account = ""\n', '`service[1].account`')
add('account-number', HEAD + SVC + 'account = 3\n', '`service[1].account`')
# distributions
for nm, q, sub in [
    ('dist-missing', '{ min = 1, max = 2 }', 'dist'),
    ('dist-unknown', '{ dist = "gamma", shape = 2 }', 'gamma'),
    ('uniform-reversed', '{ dist = "uniform", min = 2, max = 1 }', 'uniform'),
    ('triangular-mode-out', '{ dist = "triangular", min = 1, mode = 5, max = 2 }', 'triangular'),
    ('pert-missing-mode', '{ dist = "pert", min = 1, max = 2 }', 'mode'),
    ('normal-negative-sd', '{ dist = "normal", mean = 1, sd = -1 }', 'sd'),
    ('normal-window-empty', '{ dist = "normal", mean = 1, sd = 1, min = 100, max = 101 }', 'normal'),
    ('lognormal-zero-mean', '{ dist = "lognormal", mean = 0, sd = 1 }', 'lognormal'),
    ('dist-extra-key', '{ dist = "uniform", min = 1, max = 2, mode = 1 }', 'mode'),
    ('discrete-no-values', '{ dist = "discrete", weights = [1] }', 'values'),
    ('discrete-weights-mismatch', '{ dist = "discrete", values = [1, 2], weights = [1] }', 'weights'),
    ('discrete-too-many', '{ dist = "discrete", values = [1,2,3,4,5,6,7,8,9] }', 'values'),
    ('discrete-negative-weight', '{ dist = "discrete", values = [1, 2], weights = [-1, 2] }', 'weights'),
    ('discrete-strings', '{ dist = "discrete", values = ["a"] }', 'values'),
    ('dist-below-domain', '{ dist = "uniform", min = -5, max = -1 }', 'construction_cost'),
]:
    add(nm, HEAD + SVC.replace('construction_cost = 100', 'construction_cost = ' + q), sub)
# cost lines
COST = '[[service.cost]]\n'
add('cost-kind-missing', HEAD + SVC + COST + 'name = "x"\namount = 1\n', 'kind')
add('cost-kind-typo', HEAD + SVC + COST + 'kind = "anual"\nname = "x"\namount = 1\n', 'anual')
add('cost-name-missing', HEAD + SVC + COST + 'kind = "annual"\namount = 1\n', 'name')
add('cost-name-empty', HEAD + SVC + COST + 'kind = "annual"\nname = ""\namount = 1\n', 'name')
add('cost-name-duplicate', HEAD + SVC + COST + 'kind = "annual"\nname = "x"\namount = 1\n' + COST + 'kind = "annual"\nname = "x"\namount = 1\n', 'duplicate')
add('renewal-both-sizes', HEAD + SVC + COST + 'kind = "renewal"\nname = "x"\namount = 1\nshare_of_construction = 0.1\nevery_years = 3\n', 'not both')
add('renewal-no-size', HEAD + SVC + COST + 'kind = "renewal"\nname = "x"\nevery_years = 3\n', 'share_of_construction')
add('renewal-every-zero', HEAD + SVC + COST + 'kind = "renewal"\nname = "x"\namount = 1\nevery_years = 0\n', 'every_years')
add('annual-window-reversed', HEAD + SVC + COST + 'kind = "annual"\nname = "x"\namount = 1\nfrom = 2030\nto = 2026\n', 'to')
add('annual-growth-big', HEAD + SVC + COST + 'kind = "annual"\nname = "x"\namount = 1\ngrowth = 3\n', 'growth')
add('oneoff-year-missing', HEAD + SVC + COST + 'kind = "one_off"\nname = "x"\namount = 1\n', 'year')
add('oneoff-year-outside', HEAD + SVC + COST + 'kind = "one_off"\nname = "x"\namount = 1\nyear = 2099\n', 'year')
add('oneoff-key-of-renewal', HEAD + SVC + COST + 'kind = "one_off"\nname = "x"\namount = 1\nyear = 2026\nevery_years = 2\n', 'every_years')
add('annual-funded-capital', HEAD + SVC + COST + 'kind = "annual"\nname = "x"\namount = 1\nfunded_by = "capital"\n', 'funded_by')
add('funded-by-typo', HEAD + SVC + COST + 'kind = "one_off"\nname = "x"\namount = 1\nyear = 2026\nfunded_by = "capex"\n', 'funded_by')
# risks
RISK = '[[service.risk]]\nname = "r"\n'
add('risk-prob-missing', HEAD + SVC + RISK, 'annual_probability')
add('risk-prob-big', HEAD + SVC + RISK + 'annual_probability = 2\n', 'annual_probability')
add('risk-mult-negative', HEAD + SVC + RISK + 'annual_probability = 0.1\nopex_multiplier = -1\n', 'opex_multiplier')
add('risk-duration-float', HEAD + SVC + RISK + 'annual_probability = 0.1\nduration_years = 1.5\n', 'duration_years')
# funding
F = '[[service.funding]]\n'
add('funding-kind-typo', HEAD + SVC + F + 'kind = "grnat"\nname = "g"\namount = 1\n', 'grnat')
add('grant-no-size', HEAD + SVC + F + 'kind = "grant"\nname = "g"\n', 'amount')
add('grant-hazard-big', HEAD + SVC + F + 'kind = "grant"\nname = "g"\namount = 1\nwithdrawal_hazard = 2\n', 'withdrawal_hazard')
add('grant-match-negative', HEAD + SVC + F + 'kind = "grant"\nname = "g"\namount = 1\nmatch_share = -1\n', 'match_share')
add('grant-unmatched-typo', HEAD + SVC + F + 'kind = "grant"\nname = "g"\namount = 1\nunmatched = "refund"\n', 'unmatched')
add('grant-window-outside', HEAD + SVC + F + 'kind = "grant"\nname = "g"\namount = 1\nto = 2050\n', 'to')
add('budget-volatility-negative', HEAD + SVC + F + 'kind = "budget"\nname = "b"\namount = 1\nvolatility = -1\n', 'volatility')
add('fees-no-price', HEAD + SVC + F + 'kind = "fees"\nname = "f"\nsaturation_users = 10\n', 'price')
add('fees-key-of-budget', HEAD + SVC + F + 'kind = "fees"\nname = "f"\nsaturation_users = 10\nprice = 1\ngrowth = 0.1\n', 'growth')
add('contract-hazard-big', HEAD + SVC + F + 'kind = "contract"\nname = "c"\namount = 1\nexit_hazard = 1.5\n', 'exit_hazard')
add('reserve-negative', HEAD + SVC + F + 'kind = "reserve"\nname = "r"\nbalance = -10\n', 'balance')
add('reserve-window', HEAD + SVC + F + 'kind = "reserve"\nname = "r"\nbalance = 10\nfrom = 2026\n', 'from')
add('downturn-mult-negative', HEAD + SVC + F + 'kind = "budget"\nname = "b"\namount = 1\ndownturn_multiplier = -1\n', 'downturn_multiplier')
# capital / delivery / outcome
add('capital-negative', HEAD + SVC + '[service.capital]\namount = -5\n', 'amount')
add('capital-unknown', HEAD + SVC + '[service.capital]\namout = 5\n', 'amout')
add('delivery-no-kind', HEAD + SVC + '[service.delivery]\npayment = 5\n', 'kind')
add('delivery-kind-typo', HEAD + SVC + '[service.delivery]\nkind = "boo"\n', 'kind')
add('delivery-btl-no-payment', HEAD + SVC + '[service.delivery]\nkind = "btl"\n', 'payment')
add('delivery-bto-payment', HEAD + SVC + '[service.delivery]\nkind = "bto"\npayment = 4\n', 'payment')
add('delivery-guarantee-btl', HEAD + SVC + '[service.delivery]\nkind = "btl"\npayment = 4\nguarantee = 3\n', 'guarantee')
add('outcome-no-source', HEAD + SVC + '[service.outcome]\nstopped = true\nby = 2030\n', 'source')
add('outcome-last-year', HEAD + SVC + '[service.outcome]\nstopped = true\nby = 2034\nsource = "x"\n', 'by')
add('outcome-stopped-string', HEAD + SVC + '[service.outcome]\nstopped = "yes"\nby = 2030\nsource = "x"\n', 'stopped')
# benefits / canvas
add('benefit-kind-typo', HEAD + SVC + '[[service.benefit]]\nname = "b"\nkind = "sociall"\nannual = 1\n', 'kind')
add('benefit-no-annual', HEAD + SVC + '[[service.benefit]]\nname = "b"\n', 'annual')
add('canvas-unknown', HEAD + SVC + '[service.canvas]\nvalue_propositon = "x"\n', 'value_propositon')
add('canvas-number', HEAD + SVC + '[service.canvas]\nchannels = 5\n', 'channels')
# variants / evaluation
add('variant-no-name', HEAD + SVC + '[[variant]]\nset = {}\n', 'name')
add('variant-set-string', HEAD + SVC + '[[variant]]\nname = "v"\nset = "x"\n', 'set')
add('variant-bad-path', HEAD + SVC + '[[variant]]\nname = "v"\nset = { "service.b.opex_ratio" = 1 }\n', 'service.b')
add('evaluation-unknown', HEAD + SVC + '[evaluation]\np_any_gap_ambr = 0.1\n', 'p_any_gap_ambr')
add('evaluation-order', HEAD + SVC + '[evaluation]\np_any_gap_amber = 0.6\np_any_gap_red = 0.2\n', 'p_any_gap_red')
# syntax
add('syntax-unclosed-string', HEAD + SVC.replace('id = "a"', 'id = "a'), 'TOML syntax error')
add('syntax-bad-table', HEAD + '[[service]\n', 'TOML syntax error')
add('syntax-duplicate-key', HEAD + 'name = "n"\n' + SVC, 'TOML syntax error')
add('syntax-garbage', 'this is not toml at all\n', 'TOML syntax error')
add('empty-file', '', '`scenario`')
# names and texts (issue 29): what check accepts must be writable
import unicodedata
NFC, NFD = unicodedata.normalize('NFC', '주차 요금'), unicodedata.normalize('NFD', '주차 요금')
COST = '[[service.cost]]\nkind = "annual"\nname = "%s"\namount = 1\n'
add('key-duplicate-named', HEAD + 'horizon_years = 12\n' + SVC, 'duplicate key `horizon_years`')
add('id-duplicate-case', HEAD + SVC.replace('"a"', '"cctv"') + SVC.replace('"a"', '"CCTV"'), 'ignoring case')
add('id-portfolio-case', HEAD + SVC.replace('"a"', '"Portfolio"'), 'reserved')
add('name-nfd-duplicate', HEAD + SVC + COST % NFC + COST % NFD, 'duplicate cost line name')
add('name-too-long', HEAD + SVC.replace('id = "a"', 'id = "a"\nname = "%s"' % ('가' * 100000)), 'at most 200 characters')
add('description-too-long', HEAD.replace('name = "m"', 'name = "m"\ndescription = "%s"' % ('x' * 40000)) + SVC, 'at most 4000 characters')
add('lognormal-sd-huge', HEAD + SVC.replace('opex_ratio = 0.1', 'opex_ratio = { dist = "lognormal", mean = 0.1, sd = 1e200 }'), 'coefficient of variation')
add('grant-unmatched-without-match', HEAD + SVC + '[[service.funding]]\nkind = "grant"\nname = "national"\namount = 10\nunmatched = "clawback"\n', 'asks no match')
add('account-trailing-space', HEAD + SVC + 'account = "parking"\n' + SVC.replace('"a"', '"b"') + 'account = "parking "\n', 'OK', 0)
# valid edge cases (exit 0)
add('valid-minimal', HEAD + SVC, 'OK', 0)
add('valid-hangul-names', HEAD + SVC.replace('id = "a"', 'id = "a"\nname = "스마트 주차"') , 'OK', 0)
add('valid-discrete', HEAD + SVC.replace('construction_cost = 100', 'construction_cost = { dist = "discrete", values = [50, 100] }'), 'OK', 0)

os.makedirs(D, exist_ok=True)
for f in os.listdir(D):
    os.remove(os.path.join(D, f))
for name, text, code, sub in cases:
    with open(os.path.join(D, name + '.toml'), 'w') as f:
        f.write(f'# expect: {code} {sub}\n' + text)
print(len(cases))
