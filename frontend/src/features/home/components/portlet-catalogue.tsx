import { PlusOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { availableToAdd, useLayoutStore } from '@/stores/layout-store';

/** Adds a portlet that is hidden or was never on the grid. */
export function PortletCatalogue() {
  const { t } = useTranslation('home');
  const items = useLayoutStore((s) => s.items);
  const show = useLayoutStore((s) => s.show);
  const available = availableToAdd(items);
  return (
    <Dropdown
      trigger={['click']}
      disabled={!available.length}
      menu={{
        onClick: ({ key }) => show(key as (typeof available)[number]),
        items: available.map((type) => ({
          key: type,
          label: (
            <div data-testid={`catalogue-add-${type}`}>
              <div className="font-medium">{t(`portlets.${type}.title`)}</div>
              <div className="text-xs text-gray-500">{t(`portlets.${type}.description`)}</div>
            </div>
          ),
        })),
      }}
    >
      <Button icon={<PlusOutlined />} data-testid="portlet-catalogue">
        {t('addPortlet')}
      </Button>
    </Dropdown>
  );
}
