// A 6 x 6 mm layered slab with no loose volumes, bottom to top: 1 mm of muscle, two dense layers of
// 0.28 mm, 1 mm of hypodermis, 0.5 mm of skin, two elements through each, as the generated slab of
// the same keys (tests/mesh/test_imported_mesh.cpp) but without its loose layers' gaps: the importer
// puts the generated slab's interfaces between the tissues (the skin stays bonded to the hypodermis).
// Units: mm, z up.
// gmsh -3 -format msh41 slab_interfaces.geo -o slab_interfaces.msh
p = newp; Point(p) = {0, 0, 0};
l[] = Extrude {6, 0, 0} { Point{p}; Layers{12}; };
s[] = Extrude {0, 6, 0} { Line{l[1]}; Layers{12}; Recombine; };
muscle[] = Extrude {0, 0, 1} { Surface{s[1]}; Layers{2}; Recombine; };
dense1[] = Extrude {0, 0, 0.28} { Surface{muscle[0]}; Layers{2}; Recombine; };
dense2[] = Extrude {0, 0, 0.28} { Surface{dense1[0]}; Layers{2}; Recombine; };
hypo[] = Extrude {0, 0, 1} { Surface{dense2[0]}; Layers{2}; Recombine; };
skin[] = Extrude {0, 0, 0.5} { Surface{hypo[0]}; Layers{2}; Recombine; };
Physical Volume("muscle") = {muscle[1]};
Physical Volume("dense_1") = {dense1[1]};
Physical Volume("dense_2") = {dense2[1]};
Physical Volume("hypodermis") = {hypo[1]};
Physical Volume("skin") = {skin[1]};
