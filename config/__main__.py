from config.settings import settings_table

print(settings_table())
