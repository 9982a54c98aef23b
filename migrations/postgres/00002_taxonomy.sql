-- Seeded taxonomies: service categories and volunteer skills, in Chinese and English.
-- Codes are stable identifiers used by the API; names may be edited later.

-- +goose Up
INSERT INTO categories (code, name_zh, name_en, sort_order) VALUES
    ('elderly_care', '居家养老', 'Home-based elderly care', 10),
    ('meal_delivery', '助餐送餐', 'Meals and meal delivery', 20),
    ('child_care', '儿童托管', 'After-school child care', 30),
    ('disability_support', '助残', 'Disability support', 40),
    ('counseling', '心理咨询', 'Psychological counselling', 50),
    ('legal_aid', '法律援助', 'Legal aid', 60),
    ('mediation', '矛盾调解', 'Dispute mediation', 70),
    ('environment', '环境整治', 'Environmental clean-up', 80),
    ('culture_sports', '文体活动', 'Culture and sports', 90),
    ('family', '婚姻家庭', 'Marriage and family', 100),
    ('employment', '就业帮扶', 'Employment support', 110),
    ('org_incubation', '社会组织培育', 'Social organization incubation', 120),
    ('health', '健康义诊', 'Health checks and free clinics', 130),
    ('education', '教育辅导', 'Tutoring and learning', 140),
    ('safety', '平安巡防', 'Safety patrols', 150),
    ('hardship_relief', '困难帮扶', 'Help for families in hardship', 160),
    ('youth', '青少年服务', 'Youth services', 170),
    ('emergency', '应急救援', 'Emergency response', 180),
    ('property', '物业协调', 'Property management issues', 190),
    ('community_building', '社区营造', 'Community building', 200);

INSERT INTO skills (code, name_zh, name_en, category_code, sort_order) VALUES
    ('home_visit', '入户探访', 'Home visits', 'elderly_care', 10),
    ('companionship', '陪伴聊天', 'Companionship', 'elderly_care', 20),
    ('personal_care', '生活照料', 'Personal care', 'elderly_care', 30),
    ('haircut', '义务理发', 'Haircuts', 'elderly_care', 40),
    ('cooking', '烹饪', 'Cooking', 'meal_delivery', 50),
    ('delivery', '送餐配送', 'Meal delivery rounds', 'meal_delivery', 60),
    ('childminding', '儿童看护', 'Childminding', 'child_care', 70),
    ('tutoring', '课业辅导', 'Homework tutoring', 'education', 80),
    ('smartphone_teaching', '智能手机教学', 'Smartphone lessons', 'education', 90),
    ('sign_language', '手语', 'Sign language', 'disability_support', 100),
    ('mobility_assist', '出行陪护', 'Mobility assistance', 'disability_support', 110),
    ('counselling', '心理疏导', 'Counselling', 'counseling', 120),
    ('legal_advice', '法律咨询', 'Legal advice', 'legal_aid', 130),
    ('mediation', '调解', 'Mediation', 'mediation', 140),
    ('cleaning', '清洁保洁', 'Cleaning', 'environment', 150),
    ('gardening', '绿化种植', 'Gardening', 'environment', 160),
    ('waste_sorting', '垃圾分类指导', 'Waste-sorting guidance', 'environment', 170),
    ('performance', '文艺表演', 'Performing arts', 'culture_sports', 180),
    ('sports_coaching', '体育指导', 'Sports coaching', 'culture_sports', 190),
    ('photography', '摄影摄像', 'Photography', 'culture_sports', 200),
    ('family_guidance', '家庭辅导', 'Family guidance', 'family', 210),
    ('job_coaching', '就业指导', 'Job coaching', 'employment', 220),
    ('bookkeeping', '财务记账', 'Bookkeeping', 'org_incubation', 230),
    ('event_planning', '活动策划', 'Event planning', 'community_building', 240),
    ('nursing', '医疗护理', 'Nursing', 'health', 250),
    ('health_checks', '健康监测', 'Health checks', 'health', 260),
    ('first_aid', '急救', 'First aid', 'emergency', 270),
    ('patrol', '巡逻值守', 'Patrols', 'safety', 280),
    ('fire_safety', '消防安全', 'Fire safety', 'safety', 290),
    ('home_repair', '水电维修', 'Home repairs', 'property', 300),
    ('driving', '驾驶', 'Driving', NULL, 310),
    ('dialect', '方言沟通', 'Local dialect', NULL, 320),
    ('translation', '外语翻译', 'Translation', NULL, 330);

-- +goose Down
DELETE FROM skills;
DELETE FROM categories;
