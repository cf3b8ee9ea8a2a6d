// Tailwind for layout utilities next to Ant Design. Preflight is off: antd ships its own reset, and
// Tailwind's would restyle antd's buttons and inputs.
/** @type {import('tailwindcss').Config} */
export default {
  content: ['./index.html', './src/**/*.{ts,tsx}'],
  corePlugins: { preflight: false },
  theme: { extend: {} },
  plugins: [],
};
