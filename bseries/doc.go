// Package bseries implements rooted trees and B-series with exact rational
// coefficients: enumeration of trees in canonical form with their symmetry
// σ and density γ, Butcher's bracket notation, the elementary weights of
// any Runge–Kutta tableau, composition and substitution of B-series, and
// the modified equation (backward error analysis) of any B-series
// integrator to any order.
//
// Conventions follow Hairer, Lubich and Wanner, Geometric Numerical
// Integration, 2nd ed. (Springer 2006), ch. III and IX, and Chartier,
// Hairer and Vilmart, Algebraic structures of B-series, Found. Comput.
// Math. 10 (2010) 407–427:
//
//	B(a, y) = a(∅) y + Σ_t h^|t|/σ(t) a(t) F(t)(y),
//
// and the modified field of a method with series a is
//
//	f̃ = Σ_t h^(|t|−1) ω(t)/σ(t) F(t),   Substitute(ω, ExactFlow) = a.
//
// For gradient descent (explicit Euler on f = −∇E) the coefficients are
// ω(•) = 1, ω([•]) = −1/2, ω([[•]]) = 1/3, ω([•,•]) = 1/6, and the chain of
// n nodes carries (−1)^(n−1)/n, the logarithm series summed by the
// principal flow. Package modified evaluates these series on a loss.
package bseries
