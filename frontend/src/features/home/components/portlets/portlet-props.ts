export interface PortletProps {
  /** Hides the portlet (it stays in the catalogue). */
  onHide?: () => void;
}
