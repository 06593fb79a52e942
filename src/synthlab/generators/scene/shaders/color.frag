#version 330 core
// synthlab's colour pass, fragment stage: a lean shader of our own instead of pyrender's
// PBR one, because on a CPU rasteriser (llvmpipe) the fragment stage is most of an image's
// render time.
//
// Model, per light: Lambert diffuse plus a microfacet highlight (the textbook GGX /
// Schlick / Schlick-Smith terms) from the material's base colour, metallic and roughness;
// plus ambient fill (less where nearby geometry blocks it), shadow maps when the recipe
// asks for them, and gamma 2.2 encoding.
// No emissive, occlusion or normal maps: our materials have none.
//
// Uniform names and struct fields are the ones pyrender's renderer binds. The number of
// lights of each kind is a compile-time constant (N_DIRECTIONAL_LIGHTS, N_POINT_LIGHTS,
// N_SPOT_LIGHTS, defined by programs.py), not pyrender's n_* uniforms: llvmpipe runs a
// loop with a uniform bound over a uniform array several times slower than the same loop
// unrolled, enough to cost as much as the rest of the shader together.

struct DirectionalLight {
    vec3 color;
    float intensity;
    vec3 direction;
#ifdef DIRECTIONAL_LIGHT_SHADOWS
    sampler2D shadow_map;
    mat4 light_matrix;
#endif
};

struct PointLight {
    vec3 color;
    float intensity;
    vec3 position;
};

struct SpotLight {
    vec3 color;
    float intensity;
    vec3 position;
    vec3 direction;
    float light_angle_scale;
    float light_angle_offset;
#ifdef SPOT_LIGHT_SHADOWS
    sampler2D shadow_map;
    mat4 light_matrix;
#endif
};

struct Material {
    vec4 base_color_factor;
    float metallic_factor;
    float roughness_factor;
#ifdef HAS_BASE_COLOR_TEX
    sampler2D base_color_texture;
#endif
};

uniform Material material;
#if N_DIRECTIONAL_LIGHTS > 0
uniform DirectionalLight directional_lights[N_DIRECTIONAL_LIGHTS];
#endif
#if N_POINT_LIGHTS > 0
uniform PointLight point_lights[N_POINT_LIGHTS];
#endif
#if N_SPOT_LIGHTS > 0
uniform SpotLight spot_lights[N_SPOT_LIGHTS];
#endif
uniform vec3 ambient_light;
uniform vec3 cam_pos;
// the share of ambient light each pixel's surface receives (ambient_occlusion.py), a
// screen-space map; 1 x 1 and white when the recipe turns it off
uniform sampler2D ambient_occlusion_map;
uniform vec2 viewport_size;

in vec3 world_position;
#ifdef NORMAL_LOC
in vec3 world_normal;
#endif
#ifdef TEXCOORD_0_LOC
in vec2 uv;
#endif

out vec4 frag_color;

const float INV_PI = 0.31830988618;
const float DIELECTRIC_REFLECTANCE = 0.04;  // share of light a non-metal reflects head-on

// What one light of `radiance` arriving from direction `l` sends towards the eye: Lambert
// diffuse plus a microfacet highlight (GGX distribution, Schlick's Fresnel, Schlick-Smith
// masking); the diffuse part keeps what the surface did not reflect.
vec3 shade(vec3 n, vec3 v, vec3 l, vec3 radiance, vec3 diffuse, vec3 f0, float alpha2,
           float k)
{
    float cos_in = dot(n, l);
    if (cos_in <= 0.0) {
        return vec3(0.0);
    }
    vec3 h = normalize(l + v);
    float cos_half = max(dot(n, h), 0.0);
    float cos_out = max(abs(dot(n, v)), 0.001);
    float grazing = 1.0 - max(dot(v, h), 0.0);
    float grazing2 = grazing * grazing;
    vec3 fresnel = f0 + (1.0 - f0) * (grazing2 * grazing2 * grazing);
    float spread = cos_half * cos_half * (alpha2 - 1.0) + 1.0;
    float distribution = alpha2 * INV_PI / (spread * spread);
    float masking = 1.0 / ((cos_out * (1.0 - k) + k) * (cos_in * (1.0 - k) + k));
    // D * G / (4 cos_in cos_out), with G's cos_in * cos_out cancelled
    vec3 specular = fresnel * (0.25 * distribution * masking);
    return radiance * cos_in * ((1.0 - fresnel) * diffuse + specular);
}

#if defined(DIRECTIONAL_LIGHT_SHADOWS) || defined(SPOT_LIGHT_SHADOWS)
// Share of the light that reaches this point, from a depth map seen from the light:
// four taps a texel apart, so shadow edges come out soft instead of stair-stepped.
// The point is looked up moved off its surface along the normal by about a shadow-map texel
// (more at grazing light): a depth bias alone leaves "acne" (moire rings) on large surfaces
// seen from a spot light at a distance, where one texel covers centimetres.
// With `fitted`, the map covers only what can cast a shadow (a directional light's, see
// shadow_fit.py), so a point outside it is lit.
float unshadowed(sampler2D depth_map, mat4 light_matrix, vec3 normal, float cos_in,
                 bool fitted)
{
    vec2 texel = 1.0 / vec2(textureSize(depth_map, 0));
    vec4 centre = light_matrix * vec4(world_position, 1.0);
    // clip-space x per metre along the light's x axis, divided by w: the texel's size here
    vec3 row = vec3(light_matrix[0][0], light_matrix[1][0], light_matrix[2][0]);
    float texel_metres = 2.0 * texel.x * abs(centre.w) / max(length(row), 1e-6);
    float sine = sqrt(max(1.0 - cos_in * cos_in, 0.0));
    vec3 lifted = world_position + normal * (texel_metres * (0.5 + 1.5 * sine));
    vec4 clip = light_matrix * vec4(lifted, 1.0);
    vec3 at = clip.xyz / clip.w * 0.5 + 0.5;
    if (fitted && (any(lessThan(at.xy, vec2(0.0))) || any(greaterThan(at.xy, vec2(1.0))))) {
        return 1.0;  // outside every caster's footprint
    }
    if (at.z >= 1.0) {
        return 1.0;  // beyond the light's far plane: nothing recorded there
    }
    float reference = at.z - 0.0002 / clip.w;
    float lit = 0.0;
    lit += reference <= texture(depth_map, at.xy + texel * vec2(-0.5, -0.5)).r ? 0.25 : 0.0;
    lit += reference <= texture(depth_map, at.xy + texel * vec2(0.5, -0.5)).r ? 0.25 : 0.0;
    lit += reference <= texture(depth_map, at.xy + texel * vec2(-0.5, 0.5)).r ? 0.25 : 0.0;
    lit += reference <= texture(depth_map, at.xy + texel * vec2(0.5, 0.5)).r ? 0.25 : 0.0;
    return lit;
}
#endif

void main()
{
    vec4 base = material.base_color_factor;
#ifdef HAS_BASE_COLOR_TEX
    // our textures are sRGB images: squaring is a close, cheap decode to linear
    vec3 texel = texture(material.base_color_texture, uv).rgb;
    base.rgb *= texel * texel;
#endif
    float metallic = clamp(material.metallic_factor, 0.0, 1.0);
    float roughness = clamp(material.roughness_factor, 0.05, 1.0);
    vec3 diffuse = base.rgb * ((1.0 - metallic) * INV_PI);
    vec3 specular = mix(vec3(DIELECTRIC_REFLECTANCE), base.rgb, metallic);
    float alpha = roughness * roughness;  // the usual remapping of perceived roughness
    float alpha2 = alpha * alpha;
    float k = (roughness + 1.0) * (roughness + 1.0) / 8.0;  // Schlick-Smith for direct light

#ifdef NORMAL_LOC
    vec3 n = normalize(world_normal);
#else
    vec3 n = normalize(cross(dFdx(world_position), dFdy(world_position)));
#endif
    vec3 v = normalize(cam_pos - world_position);

    float sky = texture(ambient_occlusion_map, gl_FragCoord.xy / viewport_size).r;
    vec3 color = base.rgb * ambient_light * sky;
#if N_DIRECTIONAL_LIGHTS > 0
    for (int i = 0; i < N_DIRECTIONAL_LIGHTS; i++) {
        vec3 l = -normalize(directional_lights[i].direction);
        vec3 light = shade(n, v, l, directional_lights[i].color * directional_lights[i].intensity,
                           diffuse, specular, alpha2, k);
#ifdef DIRECTIONAL_LIGHT_SHADOWS
        light *= unshadowed(directional_lights[i].shadow_map,
                            directional_lights[i].light_matrix, n, dot(n, l), true);
#endif
        color += light;
    }
#endif
#if N_POINT_LIGHTS > 0
    for (int i = 0; i < N_POINT_LIGHTS; i++) {
        vec3 to_light = point_lights[i].position - world_position;
        float distance2 = dot(to_light, to_light);
        vec3 radiance = point_lights[i].color * (point_lights[i].intensity / distance2);
        color += shade(n, v, to_light * inversesqrt(distance2), radiance,
                       diffuse, specular, alpha2, k);
    }
#endif
#if N_SPOT_LIGHTS > 0
    for (int i = 0; i < N_SPOT_LIGHTS; i++) {
        vec3 to_light = spot_lights[i].position - world_position;
        float distance2 = dot(to_light, to_light);
        vec3 l = to_light * inversesqrt(distance2);
        // full strength inside the inner cone, fading to nothing at the outer one
        float cone = clamp(dot(spot_lights[i].direction, -l) * spot_lights[i].light_angle_scale
                           + spot_lights[i].light_angle_offset, 0.0, 1.0);
        vec3 radiance = spot_lights[i].color
                        * (cone * cone * spot_lights[i].intensity / distance2);
        vec3 light = shade(n, v, l, radiance, diffuse, specular, alpha2, k);
#ifdef SPOT_LIGHT_SHADOWS
        light *= unshadowed(spot_lights[i].shadow_map, spot_lights[i].light_matrix, n, dot(n, l),
                            false);
#endif
        color += light;
    }
#endif
    frag_color = vec4(pow(clamp(color, 0.0, 1.0), vec3(1.0 / 2.2)), base.a);
}
