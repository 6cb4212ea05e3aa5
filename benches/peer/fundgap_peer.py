"""A vectorised numpy implementation of fundgap's model, written from
scenarios/README.md ("What one trial computes"), as a budget analyst would
write it instead of using fundgap: the peer of the speed benchmark
(benches/peer.sh). Not part of `cargo test` or CI.

It covers what scenarios/bench-district.toml uses: the economy (inflation,
downturns), construction, opex ratio and shocks, renewals, annual and
one-off cost lines, risks, grants (amount or share of cost, withdrawal
hazard, settled at year end to at most their rate of the year's cost),
budget lines, fees on logistic adoption, contracts with exit hazards,
reserves and carried surpluses, the city's reserve fund shared in the
services' order, benefits (not materiality thresholds, match rules or
caps, which bench-district does not use); and it reports what
fundgap's yearly.csv and horizon.csv report: P(gap) per year, mean and
percentiles of cost, funding and gap per year, P(any gap), the first-gap
year, and mean/percentiles of the life-cycle-cost and gap NPVs (real
basis). All trials of a service are simulated together, one numpy array
per quantity, in blocks of trials to bound memory.

Usage: python fundgap_peer.py SCENARIO.toml [--trials N] [--seed S] [--block B]
Prints a JSON summary (portfolio and per-service figures) on stdout.
"""

import argparse
import json
import math
import sys
import time
import tomllib

import numpy as np


def quantity(q, rng, n):
    """n draws of a quantity: a number or a distribution table."""
    if not isinstance(q, dict):
        return np.full(n, float(q))
    d = q["dist"]
    if d == "uniform":
        return rng.uniform(q["min"], q["max"], n)
    if d == "triangular":
        lo, mo, hi = q["min"], q["mode"], q["max"]
        if hi == lo:
            return np.full(n, float(lo))
        return rng.triangular(lo, mo, hi, n)
    if d == "pert":
        lo, mo, hi = q["min"], q["mode"], q["max"]
        if hi == lo:
            return np.full(n, float(lo))
        a = 1 + 4 * (mo - lo) / (hi - lo)
        b = 1 + 4 * (hi - mo) / (hi - lo)
        return lo + (hi - lo) * rng.beta(a, b, n)
    if d == "normal":
        x = rng.normal(q["mean"], q["sd"], n)
        lo, hi = q.get("min", -math.inf), q.get("max", math.inf)
        bad = (x < lo) | (x > hi)
        while bad.any():  # truncation by rejection
            x[bad] = rng.normal(q["mean"], q["sd"], bad.sum())
            bad = (x < lo) | (x > hi)
        return x
    if d == "lognormal":
        m, s = q["mean"], q["sd"]
        sigma2 = math.log(1 + (s / m) ** 2)
        return rng.lognormal(math.log(m) - sigma2 / 2, math.sqrt(sigma2), n)
    raise ValueError(f"unknown distribution {d}")


def shocks(vol, rng, shape):
    """Mean-one lognormal noise of standard deviation `vol`."""
    if vol <= 0:
        return np.ones(shape)
    sigma2 = math.log(1 + vol * vol)
    return rng.lognormal(-sigma2 / 2, math.sqrt(sigma2), shape)


def year_index(sc, y, default):
    return default if y is None else y - sc["start_year"]


def simulate_block(model, rng, n):
    sc = model["scenario"]
    h = sc["horizon_years"]
    econ = model.get("economy", {})
    infl = econ.get("inflation", 0.02)
    esc = np.ones((n, h))
    for t in range(1, h):
        esc[:, t] = esc[:, t - 1] * (1 + quantity(infl, rng, n))
    down = np.zeros((n, h), dtype=bool)
    dt = econ.get("downturn")
    if dt:
        stay = 1 - 1 / dt["mean_duration_years"]
        prev = np.zeros(n, dtype=bool)
        for t in range(h):
            u = rng.random(n)
            prev = np.where(prev, u < stay, u < dt["annual_probability"])
            down[:, t] = prev
    rate = sc.get("discount_rate", 0.045)
    disc = (1 + rate) ** -np.arange(h) / esc  # real basis
    years = np.arange(h)
    # The city's reserve fund (예비비): a yearly capacity in start-year
    # prices, drawn by the services in the order they are listed.
    fund_left = sc.get("reserve_fund", 0) * esc
    out = []
    for svc in model["service"]:
        opens = year_index(sc, svc.get("opens"), 0)
        op = years >= opens
        construction = quantity(svc["construction_cost"], rng, n)
        ratio = quantity(svc["opex_ratio"], rng, n)
        mult = np.ones((n, h))
        cost = np.zeros((n, h))
        for r in svc.get("risk", []):
            p = quantity(r["annual_probability"], rng, n)
            c = quantity(r.get("cost", 0), rng, n)
            hit = (rng.random((n, h)) < p[:, None]) & op
            cost += hit * c[:, None] * esc
            dur = r.get("duration_years", 1)
            active = np.zeros((n, h), dtype=bool)
            for k in range(dur):
                active[:, k:] |= hit[:, : h - k]
            mult *= np.where(active, r.get("opex_multiplier", 1.0), 1.0)
        cost += op * (construction * ratio)[:, None] * esc * shocks(svc.get("volatility", 0), rng, (n, h)) * mult
        for line in svc.get("cost", []):
            k = line["kind"]
            if k == "renewal":
                if "share_of_construction" in line:
                    size = quantity(line["share_of_construction"], rng, n) * construction
                else:
                    size = quantity(line["amount"], rng, n)
                every = np.maximum(quantity(line["every_years"], rng, n), 1)
                for j in range(1, h + 1):
                    t = opens + np.floor(j * every + 0.5).astype(int)
                    ok = t < h
                    if not ok.any():
                        break
                    idx = np.nonzero(ok)[0]
                    cost[idx, t[ok]] += size[ok] * esc[idx, t[ok]]
            elif k == "annual":
                a = quantity(line["amount"], rng, n)
                f = year_index(sc, line.get("from"), opens)
                to = year_index(sc, line.get("to"), h - 1)
                w = slice(f, to + 1)
                g = (1 + line.get("growth", 0)) ** np.arange(to + 1 - f)
                cost[:, w] += a[:, None] * g * esc[:, w] * shocks(line.get("volatility", 0), rng, (n, to + 1 - f))
            else:
                a = quantity(line["amount"], rng, n)
                t = year_index(sc, line["year"], None)
                cost[:, t] += a * esc[:, t]
        funding = np.zeros((n, h))
        reserve = np.zeros(n)
        grants = np.zeros(n)
        # What the service's grants kept each year so far.
        kept = np.zeros((n, h))
        for st in svc.get("funding", []):
            k = st["kind"]
            if k == "reserve":
                reserve += quantity(st["balance"], rng, n)
                continue
            # Every stream's window starts at opening unless it says so;
            # fees never before opening.
            f = year_index(sc, st.get("from"), opens)
            if k == "fees":
                f = max(f, opens)
            to = year_index(sc, st.get("to"), h - 1)
            w = slice(f, to + 1)
            dm = np.where(down[:, w], st.get("downturn_multiplier", 1.0), 1.0)
            m = to + 1 - f
            if k == "grant":
                if "amount" in st:
                    base = quantity(st["amount"], rng, n)[:, None] * np.ones((n, m))
                else:
                    base = quantity(st["share_of_cost"], rng, n)[:, None] * cost[:, w]
                hz = quantity(st.get("withdrawal_hazard", 0), rng, n)
                alive = np.cumprod(rng.random((n, m)) >= hz[:, None], axis=1)
                pay = base * dm * alive
                # Settlement: a grant keeps at most its rate of the year's
                # actual cost, less what the service's grants before it
                # kept, and returns the rest (보조금 집행잔액 반납).
                due = np.maximum(cost[:, w] / (1 + st.get("match_share", 0)) - kept[:, w], 0.0)
                pay = np.minimum(pay, due)
                kept[:, w] += pay
                grants += pay.sum(axis=1)
            elif k == "budget":
                a = quantity(st["amount"], rng, n)
                g = (1 + st.get("growth", 0)) ** np.arange(m)
                pay = a[:, None] * g * dm * shocks(st.get("volatility", 0), rng, (n, m))
            elif k == "fees":
                users = quantity(st["saturation_users"], rng, n)
                mid = quantity(st.get("midpoint_years", 3), rng, n)
                steep = quantity(st.get("steepness", 1.0), rng, n)
                price = quantity(st["price"], rng, n)
                tau = np.arange(f - opens + 1, to - opens + 2)
                adopt = 1 / (1 + np.exp(-steep[:, None] * (tau - mid[:, None])))
                pg = (1 + st.get("price_growth", 0)) ** (tau - 1)
                pay = users[:, None] * adopt * price[:, None] * pg * dm * shocks(st.get("volatility", 0), rng, (n, m))
            elif k == "contract":
                a = quantity(st["amount"], rng, n)
                hz = quantity(st.get("exit_hazard", 0), rng, n)
                hzd = quantity(st.get("downturn_exit_hazard", st.get("exit_hazard", 0)), rng, n)
                hazard = np.where(down[:, w], hzd[:, None], hz[:, None])
                stays = np.cumprod(rng.random((n, m)) >= hazard, axis=1)
                g = (1 + st.get("growth", 0)) ** np.arange(m)
                pay = a[:, None] * g * dm * stays
            funding[:, w] += pay
        # The balance: the reserve's chain is the one loop over years.
        gap = np.zeros((n, h))
        carry = svc.get("carry_surplus", False)
        used = np.zeros(n)
        for t in range(h):
            short = cost[:, t] - funding[:, t]
            need = np.where(short > 1e-9 * cost[:, t], short, 0.0)
            paid = np.minimum(need, reserve)
            surplus = np.where(carry & (short < 0), -short, 0.0)
            reserve = np.maximum(reserve + surplus - need, 0.0)
            used += paid
            rest = need - paid
            left = np.where(rest > 1e-9 * cost[:, t], rest, 0.0)
            if svc.get("uses_reserve_fund", True):
                f = np.minimum(left, fund_left[:, t])
                fund_left[:, t] -= f
                left = left - f
            gap[:, t] = left
        lcc = construction * disc[:, opens] + (cost * disc).sum(axis=1)
        gap_npv = (gap * disc).sum(axis=1)
        out.append((svc["id"], cost, funding, gap, lcc, gap_npv))
    return out


def summarise(blocks, h):
    """Figures per entity from the blocks' arrays (concatenated)."""
    ids = [b[0] for b in blocks[0]]
    res = {}
    for i, sid in enumerate(ids + ["portfolio"]):
        if sid == "portfolio":
            parts = [tuple(sum(b[j][k] for j in range(len(ids))) for k in range(1, 6)) for b in blocks]
        else:
            parts = [b[i][1:] for b in blocks]
        cost, funding, gap, lcc, gnpv = (np.concatenate([p[k] for p in parts]) for k in range(5))
        if sid == "portfolio":
            # A portfolio year has a gap when any service has one.
            anyg = np.concatenate([np.any(np.stack([b[j][3] > 0 for j in range(len(ids))]), axis=0) for b in blocks])
        else:
            anyg = gap > 0
        first = np.where(anyg.any(axis=1), anyg.argmax(axis=1), h)
        res[sid] = {
            "p_gap": anyg.mean(axis=0).tolist(),
            "cost_mean": cost.mean(axis=0).tolist(),
            "cost_pct": np.percentile(cost, [5, 25, 50, 75, 95], axis=0).tolist(),
            "funding_pct": np.percentile(funding, [5, 25, 50, 75, 95], axis=0).tolist(),
            "gap_pct": np.percentile(gap, [50, 95], axis=0).tolist(),
            "p_any_gap": float((first < h).mean()),
            "first_gap_hist": np.bincount(first, minlength=h + 1).tolist(),
            "lcc_npv": {"mean": float(lcc.mean()), "p5": float(np.percentile(lcc, 5)), "p95": float(np.percentile(lcc, 95))},
            "gap_npv": {"mean": float(gnpv.mean()), "se": float(gnpv.std() / math.sqrt(len(gnpv))), "p95": float(np.percentile(gnpv, 95))},
        }
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--trials", type=int, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--block", type=int, default=20_000)
    a = ap.parse_args()
    with open(a.scenario, "rb") as f:
        model = tomllib.load(f)
    sc = model["scenario"]
    n = a.trials or sc.get("trials", 10_000)
    rng = np.random.default_rng(a.seed if a.seed is not None else sc.get("seed", 0))
    t0 = time.perf_counter()
    blocks = []
    done = 0
    while done < n:
        m = min(a.block, n - done)
        blocks.append(simulate_block(model, rng, m))
        done += m
    res = summarise(blocks, sc["horizon_years"])
    json.dump({"trials": n, "seconds": time.perf_counter() - t0, "entities": res}, sys.stdout)


if __name__ == "__main__":
    main()
