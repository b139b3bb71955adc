// The block of box_hex.geo (6 x 6 x 1 mm of muscle) as unstructured 4-node tetrahedra of about
// 0.5 mm. Units: mm, z up.
// gmsh -3 -format msh41 box_tet.geo -o box_tet.msh
SetFactory("OpenCASCADE");
Box(1) = {0, 0, 0, 6, 6, 1};
Mesh.CharacteristicLengthMin = 0.5;
Mesh.CharacteristicLengthMax = 0.5;
Physical Volume("muscle") = {1};
