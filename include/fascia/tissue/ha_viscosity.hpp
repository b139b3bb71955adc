// SPDX-License-Identifier: MIT
#pragma once
/// @file Viscosity of the hyaluronan (HA) solution of the loose layers, eta_HA(T, c, shear rate)
/// (docs/model.md "HA viscosity and fasciacytes"). Three closed-form factors:
///
/// - concentration (Bothner & Wik 1987: twice the concentration, ~10x the viscosity):
///     eta0(c) = eta_ref (c / c_ref)^a,                                  a = 3.3
/// - temperature (Arrhenius, T in kelvin; cold raises the viscosity):
///     a_T(T) = exp(E_a / R (1/T - 1/T_ref)),                            T_ref = 37 °C
///   E_a = 16 kJ/mol is the activation energy of water's viscosity between 25 and 37 °C
///   (0.890 -> 0.692 mPa s); HA's own value is not known, so it is *assumed* for HA.
/// - shear thinning (Carreau):
///     eta = eta_inf + (eta0 - eta_inf) (1 + (lambda gamma_dot)^2)^((n-1)/2)
///   with power-law index n = 0.25 (Colloids Surf A 1995, 97:197) and lambda = 4.5 s, the HA
///   relaxation time (Rwei et al. 2008 Biochem Eng J 40:211).
///
/// Combined: eta_HA(T, c, gamma_dot) = a_T(T) [eta_inf + (eta0(c) - eta_inf) C(gamma_dot)],
/// i.e. the Arrhenius factor multiplies the whole curve, so eta_HA(T) / eta_HA(T_ref) = a_T(T)
/// exactly at every concentration and shear rate. eta_inf is the viscosity of the solvent: water,
/// 0.69 mPa s at 37 °C by default, whose activation energy E_a is (so it shifts with a_T too).
/// When eta0(c) < eta_inf (a very dilute solution) the solution is Newtonian at eta0: eta_inf is
/// clipped to eta0 so that shear never thickens. The Carreau time lambda is kept fixed in
/// temperature (no time–temperature shift of the shear-thinning onset; a simplification).
#include <algorithm>
#include <cmath>

namespace fascia {

inline constexpr double kGasConstant = 8.314462618;  ///< R [J/(mol K)]
inline constexpr double kZeroCelsius = 273.15;       ///< [K]
inline constexpr double kBodyTemperatureK = 37.0 + kZeroCelsius;
/// Viscosity of water at 37 °C [Pa s] (IAPWS 2008 formulation: 0.6913 mPa s).
inline constexpr double kWaterViscosity37 = 0.69e-3;

inline double celsius_to_kelvin(double t_c) { return t_c + kZeroCelsius; }

struct HAViscosityLaw {
  double reference_viscosity = 1.0;           ///< eta_ref: zero-shear viscosity at c_ref, T_ref [Pa s]
  double reference_concentration = 2.5;       ///< c_ref [kg/m^3 = mg/ml], > 0
  double concentration_exponent = 3.3;        ///< a (Bothner & Wik 1987)
  double activation_energy = 16e3;            ///< E_a [J/mol] (water's; assumed for HA)
  double reference_temperature = kBodyTemperatureK;  ///< T_ref [K]
  double carreau_time = 4.5;                  ///< lambda [s] (Rwei et al. 2008)
  double carreau_index = 0.25;                ///< n (Colloids Surf A 1995, 97:197)
  double infinite_shear_viscosity = kWaterViscosity37;  ///< eta_inf at T_ref [Pa s]

  /// a_T = exp(E_a/R (1/T - 1/T_ref)) [-]; > 1 below T_ref.
  double arrhenius(double temperature_k) const {
    return std::exp(activation_energy / kGasConstant * (1.0 / temperature_k - 1.0 / reference_temperature));
  }
  /// eta0(c) at T_ref [Pa s].
  double zero_shear(double concentration) const {
    return reference_viscosity * std::pow(std::max(concentration, 0.0) / reference_concentration, concentration_exponent);
  }
  /// Carreau factor C = (1 + (lambda gamma_dot)^2)^((n-1)/2), in (0, 1].
  double carreau(double shear_rate) const {
    const double lg = carreau_time * shear_rate;
    return std::pow(1.0 + lg * lg, 0.5 * (carreau_index - 1.0));
  }
  /// Viscosity at T_ref given the zero-shear value eta0 [Pa s].
  double at_reference(double eta0, double shear_rate) const {
    const double eta_inf = std::min(infinite_shear_viscosity, eta0);
    return eta_inf + (eta0 - eta_inf) * carreau(shear_rate);
  }
  /// eta_HA(T, c, gamma_dot) [Pa s]; the arrhenius factor can be passed in when it is cached.
  double operator()(double temperature_k, double concentration, double shear_rate) const {
    return arrhenius(temperature_k) * at_reference(zero_shear(concentration), std::abs(shear_rate));
  }
  double with_factor(double arrhenius_factor, double concentration, double shear_rate) const {
    return arrhenius_factor * at_reference(zero_shear(concentration), std::abs(shear_rate));
  }
};

}  // namespace fascia
