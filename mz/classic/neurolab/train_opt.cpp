// Optimisation trainers (spec §8 train_bfgs, train_cg, train_ncg): neurolab hands these to
// scipy.optimize (fmin_bfgs, fmin_cg, fmin_ncg); here they are written out following
// scipy's algorithms: BFGS with an inverse-Hessian update, Polak-Ribiere+ CG, and Newton-CG
// with finite-difference Hessian-vector products; line search as scipy's _line_search_wolfe12
// (More-Thuente dcsrch, then a zoom search). From the same start BFGS follows scipy's
// iterates closely; CG differs slightly (scipy's extra descent test inside the search).
// Epoch accounting as neurolab: the error after each iteration, never the initial one.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

#include "mz/classic/neurolab/net.h"
#include "mz/classic/neurolab/train.h"

namespace mz::classic::nl::detail {

namespace {

using Vec = std::vector<double>;

double dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
double max_abs(const Vec& a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}
double norm2(const Vec& a) { return std::sqrt(dot(a, a)); }

// f(theta) = errorf + rr penalty and its gradient (ff_grad + rr theta) in one pass.
class Objective {
 public:
  Objective(Net& net, const Matrix& input, const Matrix& target, double rr)
      : net_(net), input_(input), target_(target), rr_(rr), bp_(net),
        output_(input.rows(), net.co) {}
  // Sets the net's parameters to x; returns f and writes the gradient into g.
  double eval(const Vec& x, Vec& g) {
    net_.np_set(x);
    g.assign(x.size(), 0.0);
    bp_.run(net_, input_.data(), target_.data(), input_.rows(), g, &output_);
    double f = (*net_.errorf)(target_, output_);
    if (rr_ != 0) {
      add_reg_grad(net_, rr_, g);
      f += reg_penalty(net_, rr_);
    }
    last_f = f;
    return f;
  }
  double last_f = 0;

 private:
  Net& net_;
  const Matrix& input_;
  const Matrix& target_;
  double rr_;
  Backprop bp_;
  Matrix output_;
};

// Minimiser of the cubic through (a, fa) with slope fpa, (b, fb) and (c, fc) (scipy _cubicmin).
std::optional<double> cubicmin(double a, double fa, double fpa, double b, double fb, double c,
                               double fc) {
  double C = fpa, db = b - a, dc = c - a;
  double denom = (db * dc) * (db * dc) * (db - dc);
  if (denom == 0) return std::nullopt;
  double r1 = fb - fa - C * db, r2 = fc - fa - C * dc;
  double A = (dc * dc * r1 - db * db * r2) / denom;
  double B = (-dc * dc * dc * r1 + db * db * db * r2) / denom;
  double radical = B * B - 3 * A * C;
  double x = a + (-B + std::sqrt(radical)) / (3 * A);
  if (!std::isfinite(x)) return std::nullopt;
  return x;
}

// Minimiser of the quadratic through (a, fa) with slope fpa and (b, fb) (scipy _quadmin).
std::optional<double> quadmin(double a, double fa, double fpa, double b, double fb) {
  double db = b - a;
  double B = (fb - fa - fpa * db) / (db * db);
  double x = a - fpa / (2.0 * B);
  if (!std::isfinite(x)) return std::nullopt;
  return x;
}

// MINPACK's dcsrch/dcstep (More-Thuente), as scipy's line_search_wolfe1 runs it: finds a
// step satisfying the strong Wolfe conditions (ftol = c1, gtol = c2).
void dcstep(double& stx, double& fx, double& dx, double& sty, double& fy, double& dy,
            double& stp, double fp, double dp, bool& brackt, double stpmin, double stpmax) {
  auto sgn = [](double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); };
  const double sgnd = sgn(dp) * sgn(dx);
  double stpf;
  if (fp > fx) {
    double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = s * std::sqrt((theta / s) * (theta / s) - dx / s * (dp / s));
    if (stp < stx) gamma = -gamma;
    double p = gamma - dx + theta, q = gamma - dx + gamma + dp, r = p / q;
    double stpc = stx + r * (stp - stx);
    double stpq = stx + dx / ((fx - fp) / (stp - stx) + dx) / 2.0 * (stp - stx);
    stpf = std::abs(stpc - stx) <= std::abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
    brackt = true;
  } else if (sgnd < 0.0) {
    double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
    double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = s * std::sqrt((theta / s) * (theta / s) - dx / s * (dp / s));
    if (stp > stx) gamma = -gamma;
    double p = gamma - dp + theta, q = gamma - dp + gamma + dx, r = p / q;
    double stpc = stp + r * (stx - stp), stpq = stp + dp / (dp - dx) * (stx - stp);
    stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
    brackt = true;
  } else if (std::abs(dp) < std::abs(dx)) {
    double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
    double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
    double gamma = s * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - dx / s * (dp / s)));
    if (stp > stx) gamma = -gamma;
    double p = gamma - dp + theta, q = gamma + (dx - dp) + gamma, r = p / q;
    double stpc = (r < 0 && gamma != 0) ? stp + r * (stx - stp) : (stp > stx ? stpmax : stpmin);
    double stpq = stp + dp / (dp - dx) * (stx - stp);
    if (brackt) {
      stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? std::min(stp + 0.66 * (sty - stp), stpf)
                       : std::max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
      stpf = std::clamp(stpf, stpmin, stpmax);
    }
  } else if (brackt) {
    double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
    double s = std::max({std::abs(theta), std::abs(dy), std::abs(dp)});
    double gamma = s * std::sqrt((theta / s) * (theta / s) - dy / s * (dp / s));
    if (stp > sty) gamma = -gamma;
    double p = gamma - dp + theta, q = gamma - dp + gamma + dy, r = p / q;
    stpf = stp + r * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }
  if (fp > fx) {
    sty = stp, fy = fp, dy = dp;
  } else {
    if (sgnd < 0) sty = stx, fy = fx, dy = dx;
    stx = stp, fx = fp, dx = dp;
  }
  stp = stpf;
}

// Strong-Wolfe line search along p from x (scipy scalar_search_wolfe2 with its _zoom).
// On success x_new, f_new, g_new hold the accepted point and its alpha is returned.
struct LineSearch {
  Objective& obj;
  const Vec& x;
  const Vec& p;
  double c1 = 1e-4, c2 = 0.9;
  Vec x_new, g_new;
  double f_new = 0;

  double phi(double alpha, double* derphi) {
    x_new.resize(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) x_new[i] = x[i] + alpha * p[i];
    f_new = obj.eval(x_new, g_new);
    if (derphi) *derphi = dot(g_new, p);
    return f_new;
  }

  std::optional<double> zoom(double a_lo, double a_hi, double phi_lo, double phi_hi,
                             double derphi_lo, double phi0, double derphi0) {
    double phi_rec = phi0, a_rec = 0;
    for (int i = 0; i <= 10; ++i) {
      double dalpha = a_hi - a_lo;
      double a = std::min(a_lo, a_hi), b = std::max(a_lo, a_hi);
      std::optional<double> aj;
      if (i > 0) {
        double cchk = 0.2 * dalpha;
        aj = cubicmin(a_lo, phi_lo, derphi_lo, a_hi, phi_hi, a_rec, phi_rec);
        if (aj && (*aj > b - std::abs(cchk) || *aj < a + std::abs(cchk))) aj.reset();
      }
      if (!aj) {
        double qchk = 0.1 * std::abs(dalpha);
        aj = quadmin(a_lo, phi_lo, derphi_lo, a_hi, phi_hi);
        if (!aj || *aj > b - qchk || *aj < a + qchk) aj = a_lo + 0.5 * dalpha;
      }
      double derphi_j = 0;
      double phi_j = phi(*aj, &derphi_j);
      if (phi_j > phi0 + c1 * *aj * derphi0 || phi_j >= phi_lo) {
        phi_rec = phi_hi, a_rec = a_hi, a_hi = *aj, phi_hi = phi_j;
      } else {
        if (std::abs(derphi_j) <= -c2 * derphi0) return *aj;
        if (derphi_j * (a_hi - a_lo) >= 0) {
          phi_rec = phi_hi, a_rec = a_hi, a_hi = a_lo, phi_hi = phi_lo;
        } else {
          phi_rec = phi_lo, a_rec = a_lo;
        }
        a_lo = *aj, phi_lo = phi_j, derphi_lo = derphi_j;
      }
    }
    return std::nullopt;
  }

  // scipy's _line_search_wolfe12: More-Thuente (dcsrch) first, the zoom search if it fails.
  std::optional<double> wolfe12(double phi0, double derphi0, std::optional<double> old_phi0,
                                double amin, double amax) {
    if (auto a = dcsrch(phi0, derphi0, old_phi0, amin, amax)) return a;
    return search(phi0, derphi0, old_phi0);
  }

  std::optional<double> dcsrch(double phi0, double derphi0, std::optional<double> old_phi0,
                               double stpmin, double stpmax) {
    double stp = 1.0;
    if (old_phi0 && derphi0 != 0) {
      stp = std::min(1.0, 1.01 * 2 * (phi0 - *old_phi0) / derphi0);
      if (stp < 0) stp = 1.0;
    }
    const double xtol = 1e-14, gtest = c1 * derphi0;
    if (stp < stpmin || stp > stpmax || derphi0 >= 0) return std::nullopt;
    bool brackt = false;
    int stage = 1;
    double width = stpmax - stpmin, width1 = width / 0.5;
    double stx = 0, fx = phi0, gx = derphi0, sty = 0, fy = phi0, gy = derphi0;
    double stmin = 0, stmax = stp + 4.0 * stp;
    for (int it = 0; it < 100; ++it) {
      double g = 0;
      double f = phi(stp, &g);
      double ftest = phi0 + stp * gtest;
      if (stage == 1 && f <= ftest && g >= 0) stage = 2;
      if (brackt && (stp <= stmin || stp >= stmax)) return std::nullopt;
      if (brackt && stmax - stmin <= xtol * stmax) return std::nullopt;
      if (stp == stpmax && f <= ftest && g <= gtest) return std::nullopt;
      if (stp == stpmin && (f > ftest || g >= gtest)) return std::nullopt;
      if (f <= ftest && std::abs(g) <= c2 * -derphi0) return stp;
      if (stage == 1 && f <= fx && f > ftest) {
        double fm = f - stp * gtest, fxm = fx - stx * gtest, fym = fy - sty * gtest;
        double gm = g - gtest, gxm = gx - gtest, gym = gy - gtest;
        dcstep(stx, fxm, gxm, sty, fym, gym, stp, fm, gm, brackt, stmin, stmax);
        fx = fxm + stx * gtest, fy = fym + sty * gtest, gx = gxm + gtest, gy = gym + gtest;
      } else {
        dcstep(stx, fx, gx, sty, fy, gy, stp, f, g, brackt, stmin, stmax);
      }
      if (brackt) {
        if (std::abs(sty - stx) >= 0.66 * width1) stp = stx + 0.5 * (sty - stx);
        width1 = width;
        width = std::abs(sty - stx);
        stmin = std::min(stx, sty), stmax = std::max(stx, sty);
      } else {
        stmin = stp + 1.1 * (stp - stx), stmax = stp + 4.0 * (stp - stx);
      }
      stp = std::clamp(stp, stpmin, stpmax);
      if ((brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= xtol * stmax))
        stp = stx;
      if (!std::isfinite(stp)) return std::nullopt;
    }
    return std::nullopt;
  }

  // phi0, derphi0 at alpha 0; old_phi0 the previous iteration's value (sets the first step).
  std::optional<double> search(double phi0, double derphi0, std::optional<double> old_phi0) {
    double alpha1 = 1.0;
    if (old_phi0 && derphi0 != 0) {
      alpha1 = std::min(1.0, 1.01 * 2 * (phi0 - *old_phi0) / derphi0);
      if (alpha1 < 0) alpha1 = 1.0;
    }
    double alpha0 = 0, phi_a0 = phi0, derphi_a0 = derphi0;
    for (int i = 0; i < 10; ++i) {
      if (alpha1 == 0 || !std::isfinite(alpha1)) return std::nullopt;
      double derphi_a1 = 0;
      double phi_a1 = phi(alpha1, &derphi_a1);
      if (phi_a1 > phi0 + c1 * alpha1 * derphi0 || (phi_a1 >= phi_a0 && i > 0)) {
        auto a = zoom(alpha0, alpha1, phi_a0, phi_a1, derphi_a0, phi0, derphi0);
        return a ? finish(*a) : a;
      }
      if (std::abs(derphi_a1) <= -c2 * derphi0) return alpha1;
      if (derphi_a1 >= 0) {
        auto a = zoom(alpha1, alpha0, phi_a1, phi_a0, derphi_a1, phi0, derphi0);
        return a ? finish(*a) : a;
      }
      alpha0 = alpha1, phi_a0 = phi_a1, derphi_a0 = derphi_a1;
      alpha1 = 2 * alpha1;
    }
    return std::nullopt;
  }

  // Makes x_new/f_new/g_new hold the accepted alpha (zoom's last evaluation may differ).
  double finish(double alpha) {
    bool same = !x_new.empty();
    for (std::size_t i = 0; same && i < x.size(); ++i) same = x_new[i] == x[i] + alpha * p[i];
    if (!same) phi(alpha, nullptr);
    return alpha;
  }
};

}  // namespace

std::vector<double> run_opt(Net& net, const Matrix& input, const Matrix& target,
                            const TrainOptions& o, TrainerKind kind) {
  EpochLog log(o);
  Objective obj(net, input, target, o.rr);
  const std::size_t n = net.np_size();
  Vec x = net.np_get(), g;
  double f = obj.eval(x, g);
  std::optional<double> old_f;
  if (kind != TrainerKind::ncg) old_f = f + norm2(g) / 2;

  if (kind == TrainerKind::bfgs) {
    // Inverse-Hessian BFGS (scipy _minimize_bfgs), maxiter = epochs.
    Vec H(n * n, 0.0), p(n), s(n), y(n), Hy(n);
    for (std::size_t i = 0; i < n; ++i) H[i * n + i] = 1.0;
    for (int k = 0; k < o.epochs && max_abs(g) > o.gtol; ++k) {
      for (std::size_t i = 0; i < n; ++i) {
        double acc = 0;
        for (std::size_t j = 0; j < n; ++j) acc -= H[i * n + j] * g[j];
        p[i] = acc;
      }
      LineSearch ls{obj, x, p};
      auto alpha = ls.wolfe12(f, dot(g, p), old_f, 1e-100, 1e100);
      if (!alpha) break;
      for (std::size_t i = 0; i < n; ++i) s[i] = *alpha * p[i], y[i] = ls.g_new[i] - g[i];
      x = ls.x_new, g = ls.g_new, old_f = f, f = ls.f_new;
      if (log.record(f)) break;
      if (max_abs(g) <= o.gtol || !std::isfinite(f)) break;
      double ys = dot(y, s);
      double rho = ys == 0 ? 1000.0 : 1.0 / ys;
      for (std::size_t i = 0; i < n; ++i) {
        double acc = 0;
        for (std::size_t j = 0; j < n; ++j) acc += H[i * n + j] * y[j];
        Hy[i] = acc;
      }
      double yHy = dot(y, Hy);
      double ss = rho * rho * yHy + rho;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          H[i * n + j] += -rho * (s[i] * Hy[j] + Hy[i] * s[j]) + ss * s[i] * s[j];
    }
  } else if (kind == TrainerKind::cg) {
    // Polak-Ribiere+ conjugate gradient (scipy _minimize_cg), maxiter = 200 n.
    Vec p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = -g[i];
    const std::size_t maxiter = 200 * n;
    for (std::size_t k = 0; k < maxiter && max_abs(g) > o.gtol; ++k) {
      double deltak = dot(g, g);
      LineSearch ls{obj, x, p};
      ls.c2 = 0.4;
      auto alpha = ls.wolfe12(f, dot(g, p), old_f, 1e-100, 1e100);
      if (!alpha) break;
      double beta = 0;
      for (std::size_t i = 0; i < n; ++i) beta += (ls.g_new[i] - g[i]) * ls.g_new[i];
      beta = std::max(0.0, beta / deltak);
      x = ls.x_new, g = ls.g_new, old_f = f, f = ls.f_new;
      for (std::size_t i = 0; i < n; ++i) p[i] = -g[i] + beta * p[i];
      if (dot(p, g) > -0.01 * dot(g, g))  // not a descent direction: restart
        for (std::size_t i = 0; i < n; ++i) p[i] = -g[i];
      if (log.record(f)) break;
    }
  } else {
    // Newton-CG (scipy _minimize_newtoncg) with Hessian-vector products by forward
    // differences of the gradient, maxiter = 200 n.
    const double eps = std::sqrt(std::numeric_limits<double>::epsilon());
    const double xtol = o.xtol * static_cast<double>(n);
    Vec xs(n), r(n), ps(n), Ap(n), gp, xe(n), pk;
    double update = 2 * xtol;
    const std::size_t maxiter = 200 * n;
    for (std::size_t k = 0; k < maxiter && update > xtol; ++k) {
      double maggrad = 0;
      for (double v : g) maggrad += std::abs(v);
      double eta = std::min(0.5, std::sqrt(maggrad)), termcond = eta * maggrad;
      std::fill(xs.begin(), xs.end(), 0.0);
      r = g;
      for (std::size_t i = 0; i < n; ++i) ps[i] = -r[i];
      double dri0 = dot(r, r);
      for (std::size_t it = 0; it < 20 * n; ++it) {
        double rs = 0;
        for (double v : r) rs += std::abs(v);
        if (rs <= termcond) break;
        for (std::size_t i = 0; i < n; ++i) xe[i] = x[i] + eps * ps[i];
        obj.eval(xe, gp);
        for (std::size_t i = 0; i < n; ++i) Ap[i] = (gp[i] - g[i]) / eps;
        double curv = dot(ps, Ap);
        if (curv >= 0 && curv <= 3 * std::numeric_limits<double>::epsilon()) break;
        if (curv < 0) {
          if (it == 0)
            for (std::size_t i = 0; i < n; ++i) xs[i] = dri0 / (-curv) * -g[i];
          break;
        }
        double alpha = dri0 / curv;
        for (std::size_t i = 0; i < n; ++i) xs[i] += alpha * ps[i], r[i] += alpha * Ap[i];
        double dri1 = dot(r, r), beta = dri1 / dri0;
        for (std::size_t i = 0; i < n; ++i) ps[i] = -r[i] + beta * ps[i];
        dri0 = dri1;
      }
      pk = xs;
      LineSearch ls{obj, x, pk};
      auto alpha = ls.wolfe12(f, dot(g, pk), old_f, 1e-8, 50);
      if (!alpha) break;
      update = 0;
      for (double v : pk) update += std::abs(*alpha * v);
      x = ls.x_new, g = ls.g_new, old_f = f, f = ls.f_new;
      if (log.record(f)) break;
    }
  }
  net.np_set(x);
  return log.errors();
}

}  // namespace mz::classic::nl::detail
