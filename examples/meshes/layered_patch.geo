// A 20 x 20 mm patch of thigh-like tissue as one conforming hexahedral mesh for
// examples/scenarios/fem_gmsh_patch.toml (docs/fem.md "Imported meshes"). Units: mm, z up.
// In plane: 20 elements per side, 0.6 mm at the centre growing to 2 mm at the edges (Bump).
// Bottom to top: muscle 3 mm (4 elements, finer towards the top), three dense layers of
// 0.28 mm (2 elements each) with loose layers of 0.043 mm between them and above the third,
// hypodermis 2 mm (3 elements, finer towards the top), skin 1 mm (2 elements).
// Regenerate: gmsh -3 -format msh41 layered_patch.geo -o layered_patch.msh
Point(1) = {0, 0, 0}; Point(2) = {20, 0, 0}; Point(3) = {20, 20, 0}; Point(4) = {0, 20, 0};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {4, 3}; Line(4) = {1, 4};
Transfinite Curve{1, 2, 3, 4} = 21 Using Bump 4;
Curve Loop(1) = {1, 2, -3, -4};
Plane Surface(1) = {1};
Transfinite Surface{1};
Recombine Surface{1};
muscle[] = Extrude {0, 0, 3} { Surface{1}; Layers{{1, 1, 1, 1}, {0.4, 0.7, 0.9, 1}}; Recombine; };
dense1[] = Extrude {0, 0, 0.28} { Surface{muscle[0]}; Layers{2}; Recombine; };
loose1[] = Extrude {0, 0, 0.043} { Surface{dense1[0]}; Layers{1}; Recombine; };
dense2[] = Extrude {0, 0, 0.28} { Surface{loose1[0]}; Layers{2}; Recombine; };
loose2[] = Extrude {0, 0, 0.043} { Surface{dense2[0]}; Layers{1}; Recombine; };
dense3[] = Extrude {0, 0, 0.28} { Surface{loose2[0]}; Layers{2}; Recombine; };
loose3[] = Extrude {0, 0, 0.043} { Surface{dense3[0]}; Layers{1}; Recombine; };
hypo[] = Extrude {0, 0, 2} { Surface{loose3[0]}; Layers{{1, 1, 1}, {0.5, 0.8, 1}}; Recombine; };
skin[] = Extrude {0, 0, 1} { Surface{hypo[0]}; Layers{2}; Recombine; };
Physical Volume("muscle") = {muscle[1]};
Physical Volume("dense_1") = {dense1[1]};
Physical Volume("loose_1") = {loose1[1]};
Physical Volume("dense_2") = {dense2[1]};
Physical Volume("loose_2") = {loose2[1]};
Physical Volume("dense_3") = {dense3[1]};
Physical Volume("loose_3") = {loose3[1]};
Physical Volume("hypodermis") = {hypo[1]};
Physical Volume("skin") = {skin[1]};
