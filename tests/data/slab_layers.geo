// A 6 x 6 mm layered slab as one conforming hexahedral mesh, bottom to top: 1 mm of muscle,
// two dense layers of 0.28 mm (two elements each) with a 0.043 mm loose layer between them.
// Units: mm, z up.
// gmsh -3 -format msh41 slab_layers.geo -o slab_layers.msh
p = newp; Point(p) = {0, 0, 0};
l[] = Extrude {6, 0, 0} { Point{p}; Layers{12}; };
s[] = Extrude {0, 6, 0} { Line{l[1]}; Layers{12}; Recombine; };
muscle[] = Extrude {0, 0, 1} { Surface{s[1]}; Layers{2}; Recombine; };
dense1[] = Extrude {0, 0, 0.28} { Surface{muscle[0]}; Layers{2}; Recombine; };
loose1[] = Extrude {0, 0, 0.043} { Surface{dense1[0]}; Layers{1}; Recombine; };
dense2[] = Extrude {0, 0, 0.28} { Surface{loose1[0]}; Layers{2}; Recombine; };
Physical Volume("muscle") = {muscle[1]};
Physical Volume("dense_1") = {dense1[1]};
Physical Volume("loose_1") = {loose1[1]};
Physical Volume("dense_2") = {dense2[1]};
