#version 330 core
// synthlab's colour pass, vertex stage.
// Attribute locations (NORMAL_LOC, TEXCOORD_0_LOC, INST_M_LOC) and uniform names are
// pyrender's interface: its renderer fills them in. Everything else is ours.

layout(location = 0) in vec3 position;
#ifdef NORMAL_LOC
layout(location = NORMAL_LOC) in vec3 normal;
#endif
#ifdef TEXCOORD_0_LOC
layout(location = TEXCOORD_0_LOC) in vec2 texcoord_0;
#endif
layout(location = INST_M_LOC) in mat4 inst_m;

uniform mat4 M;
uniform mat4 V;
uniform mat4 P;
#ifdef TEXCOORD_0_LOC
// texture coordinates are box-projected at unit scale (gpu_meshes.py), so one uploaded
// mesh serves every object scale and texture density: this is scale * repeats per metre
uniform float uv_scale;
#endif

out vec3 world_position;
#ifdef NORMAL_LOC
out vec3 world_normal;
#endif
#ifdef TEXCOORD_0_LOC
out vec2 uv;
#endif

void main()
{
    mat4 model = M * inst_m;
    vec4 world = model * vec4(position, 1.0);
    world_position = world.xyz;
#ifdef NORMAL_LOC
    // Our poses are rotations and translations times a uniform scale, so the model
    // matrix's own 3x3 turns normals correctly (no inverse transpose); the fragment stage
    // normalises, which also removes the scale.
    world_normal = mat3(model) * normal;
#endif
#ifdef TEXCOORD_0_LOC
    uv = texcoord_0 * uv_scale;
#endif
    gl_Position = P * (V * world);
}
