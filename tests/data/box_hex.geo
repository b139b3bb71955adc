// A 6 x 6 x 1 mm block of muscle in 12 x 12 x 2 hexahedra of 0.5 mm: the mesh that
// [geometry] engine = "fem", size_mm = [6, 6], spacing_mm = 0.5, layers = 0 with
// [material] muscle_thickness_mm = 1 generates. Units: mm, z up.
// gmsh -3 -format msh41 box_hex.geo -o box_hex.msh
p = newp; Point(p) = {0, 0, 0};
l[] = Extrude {6, 0, 0} { Point{p}; Layers{12}; };
s[] = Extrude {0, 6, 0} { Line{l[1]}; Layers{12}; Recombine; };
v[] = Extrude {0, 0, 1} { Surface{s[1]}; Layers{2}; Recombine; };
Physical Volume("muscle") = {v[1]};
